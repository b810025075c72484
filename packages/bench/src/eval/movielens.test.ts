import { describe, expect, it } from 'vitest';
import { candidates, historyBefore, movieText, NEGATIVES, parseMovies, splitMovieLens } from './movielens.js';

const ITEMS = Array.from(
  { length: 200 },
  (_, i) =>
    `${i + 1}|Movie ${i + 1} (1995)|01-Jan-1995||url|0|${i % 2}|${(i + 1) % 2}|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0`,
).join('\n');

describe('MovieLens split', () => {
  const movies = parseMovies(ITEMS);
  // User 1 rates items 5, 3 and 9 at one time and 7 later; user 2 has only two ratings.
  const ratings = [
    '1\t5\t4\t100',
    '1\t9\t4\t100',
    '1\t3\t4\t100',
    '1\t7\t5\t200',
    '2\t1\t3\t50',
    '2\t2\t3\t60',
  ].join('\n');
  const data = splitMovieLens(ratings, movies);

  it('holds out the latest interaction (ties by item id) for test and the one before for validation', () => {
    expect(data.users).toHaveLength(1); // user 2 has too few interactions for a split
    const [user] = data.users;
    expect(user!.test).toEqual({ item: 7, time: 200 });
    expect(user!.validation).toEqual({ item: 9, time: 100 });
    expect(user!.train.map((e) => e.item)).toEqual([3, 5]);
    expect(historyBefore(user!, 'test').map((e) => e.item)).toEqual([3, 5, 9]);
    expect(historyBefore(user!, 'validation').map((e) => e.item)).toEqual([3, 5]);
  });

  it('samples 99 distinct never-rated negatives, the same on every run', () => {
    const [user] = data.users;
    for (const negatives of [user!.testNegatives, user!.validationNegatives]) {
      expect(new Set(negatives).size).toBe(NEGATIVES);
      for (const item of negatives) expect([3, 5, 7, 9]).not.toContain(item);
    }
    expect(splitMovieLens(ratings, movies).users[0]!.testNegatives).toEqual(user!.testNegatives);
    expect(user!.testNegatives).not.toEqual(user!.validationNegatives);
    expect(candidates(user!, 'test')[0]).toBe(7);
  });

  it('describes a movie by title and genres', () => {
    expect(movieText(movies[2]!)).toBe('Movie 2 (1995). Action.');
    expect(movieText(movies[1]!)).toBe('Movie 1 (1995). Adventure.');
  });
});
