import { describe, expect, it } from 'vitest';
import { cosine } from '../util/vector.js';
import { KeywordEncoder, keywords } from './keyword-encoder.js';

describe('KeywordEncoder', () => {
  const encoder = new KeywordEncoder();

  it('keeps content words and drops stopwords', () => {
    expect(keywords('The runners are training for the Marathon races!')).toEqual([
      'runner',
      'training',
      'marathon',
      'race',
    ]);
  });

  it('matches texts that share words, and only those', async () => {
    const [page, running, pasta] = await encoder.embed([
      'Marathon training plan: long runs, tempo runs and race pace for runners.',
      'Race day shoes for marathon runners and long runs.',
      'Fresh pasta with garlic, olive oil and tomato sauce.',
    ]);
    // Unrelated texts meet only through hash collisions (1,024 buckets): a small residue.
    expect(cosine(page!, running!)).toBeGreaterThan(0.3);
    expect(Math.abs(cosine(page!, pasta!))).toBeLessThan(cosine(page!, running!) / 3);
  });

  it('gives a zero vector, not NaN, for text without words', async () => {
    const [empty] = await encoder.embed(['🎉 !!! ...']);
    expect(empty!.every((x) => x === 0)).toBe(true);
  });
});
