import { type MovieLens, NEGATIVES, parseMovies, splitMovieLens } from '../eval/movielens.js';
import { seededRandom, shuffle } from '../eval/random.js';
import { SimulationError } from './errors.js';

export interface SyntheticOptions {
  users: number;
  /** Movies in the catalog; the first half are watched, the rest only appear as negatives. */
  items: number;
  /** Interactions per user (three or more: training, validation, test). */
  perUser: number;
  /** Unit text vectors of this width, random: they carry no taste, the ids must. */
  textDim: number;
  seed: number;
}

/**
 * A MovieLens-shaped world for tests that must not need the real data: odd users watch odd
 * movies and even users even ones, in a random order, so a model that learns anything from the
 * ids ranks the held-out movie above most negatives. Returns the split and random text vectors.
 */
export function syntheticTastes(options: SyntheticOptions): { data: MovieLens; vectors: Float32Array } {
  const { users, items, perUser, textDim, seed } = options;
  // Every held-out item is ranked among NEGATIVES movies the user never rated, and a user rates
  // perUser of the watched half of one parity.
  if (items - perUser < NEGATIVES || perUser > Math.floor(items / 4) || perUser < 3) {
    throw new SimulationError(
      'invalid-options',
      `a synthetic world of ${items} movies cannot give ${perUser} interactions per user and ${NEGATIVES} negatives`,
    );
  }
  const random = seededRandom(seed);
  const catalog = Array.from({ length: items }, (_, i) => `${i + 1}|M${i + 1}|||u|${'0|'.repeat(18)}0`);
  const watched = Math.floor(items / 2);
  const lines: string[] = [];
  for (let user = 1; user <= users; user++) {
    const own = Array.from({ length: Math.floor(watched / 2) }, (_, i) => 2 * i + (user % 2) + 1);
    shuffle(own, random)
      .slice(0, perUser)
      .forEach((item, time) => {
        lines.push(`${user}\t${item}\t5\t${time}`);
      });
  }
  const data = splitMovieLens(lines.join('\n'), parseMovies(catalog.join('\n')));
  const vectors = Float32Array.from({ length: (items + 1) * textDim }, () => random() * 2 - 1);
  return { data, vectors };
}
