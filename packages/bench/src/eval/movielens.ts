import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from './random.js';

/**
 * MovieLens-100K as implicit feedback, split as in He et al. 2017 (NCF): every rating is an
 * interaction; per user the latest interaction (by time, ties by item id) is the test item, the
 * one before it the validation item, the rest is training data. Each held-out item is ranked among
 * 99 items the user never rated, sampled with a fixed seed.
 */

export interface Interaction {
  item: number;
  time: number;
}

export interface UserSplit {
  user: number;
  /** Training interactions, oldest first. */
  train: Interaction[];
  validation: Interaction;
  test: Interaction;
  /** 99 items the user never rated, for the validation and the test ranking. */
  validationNegatives: number[];
  testNegatives: number[];
}

export interface Movie {
  id: number;
  title: string;
  genres: string[];
}

export interface MovieLens {
  users: UserSplit[];
  /** By item id (1-based; index 0 unused). */
  movies: Movie[];
  itemCount: number;
}

export const NEGATIVES = 99;
export const TEST_SEED = 20170403;
export const VALIDATION_SEED = 20170404;

const GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

export function parseMovies(text: string): Movie[] {
  const movies: Movie[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split('|');
    const id = Number(fields[0]);
    const flags = fields.slice(5, 5 + GENRES.length);
    movies[id] = {
      id,
      title: fields[1] ?? '',
      genres: GENRES.filter((_, g) => flags[g] === '1' && g > 0),
    };
  }
  return movies;
}

/** "Toy Story (1995). Animation, Children's, Comedy." */
export function movieText(movie: Movie): string {
  return `${movie.title}. ${movie.genres.join(', ')}.`;
}

/** Per-user leave-last-out split with seeded negatives. `ratings` are u.data lines. */
export function splitMovieLens(ratings: string, movies: Movie[]): MovieLens {
  const byUser = new Map<number, Interaction[]>();
  for (const line of ratings.split('\n')) {
    if (line.trim() === '') continue;
    const [user, item, , time] = line.split('\t').map(Number) as [number, number, number, number];
    const list = byUser.get(user) ?? [];
    if (list.length === 0) byUser.set(user, list);
    list.push({ item, time });
  }
  const itemCount = movies.length - 1;
  const testRandom = seededRandom(TEST_SEED);
  const validationRandom = seededRandom(VALIDATION_SEED);
  const sample = (rated: Set<number>, random: () => number) => {
    const negatives = new Set<number>();
    while (negatives.size < NEGATIVES) {
      const item = 1 + Math.floor(random() * itemCount);
      if (!rated.has(item)) negatives.add(item);
    }
    return [...negatives];
  };
  const users: UserSplit[] = [];
  for (const user of [...byUser.keys()].sort((a, b) => a - b)) {
    const events = byUser.get(user)!.sort((a, b) => a.time - b.time || a.item - b.item);
    if (events.length < 3) continue;
    const rated = new Set(events.map((e) => e.item));
    users.push({
      user,
      train: events.slice(0, -2),
      validation: events[events.length - 2]!,
      test: events[events.length - 1]!,
      testNegatives: sample(rated, testRandom),
      validationNegatives: sample(rated, validationRandom),
    });
  }
  return { users, movies, itemCount };
}

export function loadMovieLens(dir: string): MovieLens {
  const movies = parseMovies(readFileSync(join(dir, 'u.item'), 'latin1'));
  return splitMovieLens(readFileSync(join(dir, 'u.data'), 'utf8'), movies);
}

/** The ranking a model is evaluated on: the held-out item first, then its negatives. */
export function candidates(user: UserSplit, phase: 'validation' | 'test'): number[] {
  return phase === 'test'
    ? [user.test.item, ...user.testNegatives]
    : [user.validation.item, ...user.validationNegatives];
}

/** What the model may know when ranking for `phase`: training data, plus the validation item at test time. */
export function historyBefore(user: UserSplit, phase: 'validation' | 'test'): Interaction[] {
  return phase === 'test' ? [...user.train, user.validation] : user.train;
}
