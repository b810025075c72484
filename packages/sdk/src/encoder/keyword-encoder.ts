import { textHash } from '../util/hash.js';
import type { Encoder } from './types.js';

/** Words too common to say what a text is about. */
const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
  between both but by can could did do does doing down during each every few for from further get got had
  has have having he her here hers herself him himself his how i if in into is it its itself just least
  less let like made make many may me might more most much must my myself new no nor not now of off on
  once one only or other our ours ourselves out over own per same she should since so some such than
  that the their theirs them themselves then there these they this those through to too under until up
  upon us very was we well were what when where which while who whom why will with within without would
  yet you your yours yourself yourselves`.split(/\s+/),
);

const DIM = 1024;

/** Lowercase words of 3+ letters that are not stopwords, with a plural "s" folded away. */
export function keywords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words
    .filter((word) => word.length >= 3 && !STOPWORDS.has(word))
    .map((word) =>
      word.length > 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word,
    );
}

/**
 * Contextual matching with no model at all: a hashed bag of words (sublinear term frequency,
 * signed feature hashing). It lets the first page view fill its slots at once, before (or
 * without) the ML encoder. Its vectors live in their own space and never enter the profile.
 */
export class KeywordEncoder implements Encoder {
  readonly model = 'keywords';
  readonly dtype = 'fp32' as const;
  readonly id = `keywords-${DIM}`;

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  embedOne(text: string): Float32Array {
    const counts = new Map<string, number>();
    for (const word of keywords(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    const vector = new Float32Array(DIM);
    for (const [word, count] of counts) {
      const hash = Number.parseInt(textHash(word), 16);
      const sign = hash % 2 === 0 ? 1 : -1;
      vector[Math.floor(hash / 2) % DIM]! += sign * (1 + Math.log(count));
    }
    let norm = 0;
    for (const x of vector) norm += x * x;
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < DIM; i++) vector[i]! *= scale;
    }
    return vector;
  }

  async dispose(): Promise<void> {}
}
