import { type MovieLens, parseMovies, splitMovieLens } from './movielens.js';
import { seededRandom, shuffle } from './random.js';

/**
 * A synthetic world of two tastes: odd users watch odd movies, even users even ones, in a random
 * order; a model that learns anything must rank the held-out movie above most negatives.
 */
export function twoTastes(): MovieLens {
  const items = Array.from({ length: 300 }, (_, i) => `${i + 1}|M${i + 1}|||u|${'0|'.repeat(18)}0`).join(
    '\n',
  );
  const lines: string[] = [];
  const random = seededRandom(1);
  for (let user = 1; user <= 60; user++) {
    // 25 distinct movies of the user's parity among 1..80, in a random order.
    const own = shuffle(
      Array.from({ length: 40 }, (_, i) => 2 * i + (user % 2) + 1),
      random,
    ).slice(0, 25);
    own.forEach((item, k) => {
      lines.push(`${user}\t${item}\t5\t${k}`);
    });
  }
  return splitMovieLens(lines.join('\n'), parseMovies(items));
}
