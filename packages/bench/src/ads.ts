import type { AdCandidate } from '@locus/sdk';

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

/** `count` distinct, readable ad texts across four interests (deterministic). */
export function syntheticCatalog(count: number): AdCandidate[] {
  const categories = Object.keys(PRODUCTS);
  return Array.from({ length: count }, (_, i) => {
    const category = categories[i % categories.length]!;
    const products = PRODUCTS[category]!;
    const product = products[Math.floor(i / categories.length) % products.length]!;
    const pitch = PITCHES[Math.floor(i / (categories.length * products.length)) % PITCHES.length]!;
    return {
      id: `ad-${i}`,
      text: `${pitch.replace('{p}', product)} Offer ${i + 1}.`,
      category,
      advertiser: `${category}-brand-${i % 7}`,
      bid: 0.5 + ((i * 37) % 100) / 40,
    };
  });
}
