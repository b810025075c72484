import { describe, expect, it } from 'vitest';
import { explainInWords } from './explain.js';

describe('"Why this ad?" in plain words', () => {
  it('names the interests with their share of the reasons, and the facts behind the score', () => {
    const words = explainInWords({
      pctr: 0.034,
      explanation: {
        interests: [
          { id: 'running', label: 'Running & fitness', weight: 0.3 },
          { id: 'travel', label: 'Travel', weight: 0.1 },
        ],
        features: { similarity: 0.62, signal: 'profile+context', bid: 2.4 },
      },
    });
    expect(words.basis).toMatch(/interests kept in this browser/);
    expect(words.interests).toEqual([
      { label: 'Running & fitness', percent: 75 },
      { label: 'Travel', percent: 25 },
    ]);
    expect(words.details).toEqual([
      "How well the ad's text matches: closely (62% similar).",
      'Estimated chance of a click: 3.4%.',
      "The advertiser's bid (2.40) counts too: ads are ordered by bid × chance of a click.",
      'This choice was made on your device. Nothing about you was sent to make it.',
    ]);
  });

  it('says when only the page was used', () => {
    const words = explainInWords({
      pctr: 0.0004,
      explanation: { interests: [], features: { similarity: -0.2, signal: 'context' } },
    });
    expect(words.basis).toBe('It matches the page you are reading. No reading history was used.');
    expect(words.interests).toEqual([]);
    expect(words.details[0]).toBe("How well the ad's text matches: loosely (0% similar).");
    expect(words.details[1]).toBe('Estimated chance of a click: < 0.1%.');
  });
});
