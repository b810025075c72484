/**
 * A long article page for the observePage() benchmark: a site header with navigation, the
 * article itself (exactly `words` words in paragraphs under headings), a related-links aside,
 * a cookie banner that is hidden, and a footer, so extraction has real noise to skip.
 */
const SENTENCES = [
  'The long run teaches your body to burn fuel efficiently and your mind to stay patient',
  'Most runners go too fast on easy days and too slow on hard days',
  'A tempo run at a comfortably hard effort sharpens the pace you can hold for an hour',
  'Strength sessions with squats lunges and calf raises protect the knees when the mileage climbs',
  'Practise your race nutrition on training runs so that nothing on race day is a surprise',
  'In the final three weeks cut the volume by a third while keeping a little speed in your legs',
  'Sleep is the cheapest performance tool an athlete has and the one most people ignore',
  'Start slower than you think you should because the race really begins at mile twenty',
];

export function articleWords(words: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < words; i++) out.push(...SENTENCES[i % SENTENCES.length]!.split(' '));
  return out.slice(0, words);
}

export function articleHtml(words = 2000): string {
  const all = articleWords(words);
  const paragraphs: string[] = [];
  for (let i = 0; i < all.length; i += 80) {
    const heading = i % 400 === 0 ? `<h2>Week ${i / 400 + 1} of the plan</h2>` : '';
    paragraphs.push(`${heading}<p>${all.slice(i, i + 80).join(' ')}.</p>`);
  }
  const links = Array.from(
    { length: 30 },
    (_, i) => `<li><a href="/story/${i}">Related story number ${i}</a></li>`,
  );
  return `<!doctype html><html lang="en"><head><title>Sixteen weeks to your first marathon</title>
<meta name="description" content="A sixteen-week marathon plan for first-time runners."></head><body>
<header><nav>${links.slice(0, 8).join('')}</nav></header>
<div class="cookie-banner" hidden>We use cookies. Accept all. Reject all. Settings.</div>
<main><article><h1>Sixteen weeks to your first marathon</h1>${paragraphs.join('\n')}</article>
<aside><ul>${links.join('')}</ul></aside></main>
<footer><p>Copyright. Terms. Privacy. Contact. Advertise with us.</p></footer></body></html>`;
}
