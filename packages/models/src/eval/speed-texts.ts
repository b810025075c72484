// 1,000 short, distinct ad texts across four interests for the speed measurement (deterministic; the
// same recipe as the bench package's synthetic catalog, so figures are comparable).
const PRODUCTS: Record<string, string[]> = {
  sports: ['running shoes', 'football boots', 'tennis racket', 'cycling helmet', 'swim goggles', 'yoga mat'],
  cooking: ['cast iron pan', 'chef knife', 'bread flour', 'olive oil', 'spice set', 'pasta machine'],
  travel: ['rail pass', 'city hotel', 'carry-on bag', 'beach resort', 'flight deal', 'travel insurance'],
  finance: ['savings account', 'credit card', 'home loan', 'pension plan', 'budget app', 'currency card'],
};
const PITCHES = [
  'Save on {p} this week, with free delivery and easy returns.',
  'The {p} our readers rate best, now in new colours.',
  'Upgrade to a better {p} and feel the difference every day.',
  'Limited offer: a {p} for every budget, chosen by experts.',
  'Try the {p} that professionals trust, risk free for a month.',
];

export function speedTexts(count = 1000): string[] {
  const categories = Object.keys(PRODUCTS);
  return Array.from({ length: count }, (_, i) => {
    const products = PRODUCTS[categories[i % categories.length]!]!;
    const product = products[Math.floor(i / categories.length) % products.length]!;
    const pitch = PITCHES[Math.floor(i / (categories.length * products.length)) % PITCHES.length]!;
    return `${pitch.replace('{p}', product)} Offer ${i + 1}.`;
  });
}
