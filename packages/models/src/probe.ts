// Quality probe computed straight from a table (no ONNX runtime): the same steps as the tokenizer
// (BertNormalizer lowercase + accent strip, BertPreTokenizer, WordPiece) and transformers.js' mean
// pooling + L2 normalization, truncating to the model's max length as the feature-extraction pipeline
// does. The build writes its figures into the model card; the tests check that transformers.js
// reproduces them from the ONNX files.
import { MAX_LENGTH } from './hf.js';

export const PROBE_TOPICS = {
  sports: ['the striker scored a goal in the football match', 'the team won the soccer game'],
  cooking: ['simmer the garlic and tomatoes for the pasta sauce', 'bake the bread in a hot oven with butter'],
  travel: ['book a cheap flight and a hotel near the beach', 'our vacation trip to the island resort'],
} as const;

export type ProbeTopic = keyof typeof PROBE_TOPICS;

export const PROBE_SENTENCES: string[] = Object.values(PROBE_TOPICS).flat();

// BertPreTokenizer: split on whitespace, and every punctuation character is a token of its own.
const PUNCT = String.raw`\p{P}\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e`;
const PRE_TOKEN_RE = new RegExp(`[^\\s${PUNCT}]+|[${PUNCT}]`, 'gu');

export function wordPieceTokenize(text: string, vocab: ReadonlyMap<string, number>, unkId: number): number[] {
  const normalized = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '');
  const ids: number[] = [];
  for (const word of normalized.match(PRE_TOKEN_RE) ?? []) {
    const chars = [...word];
    const pieces: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        const sub = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        found = vocab.get(sub);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) break;
      pieces.push(found);
      start = end;
    }
    if (start < chars.length || chars.length > 100) ids.push(unkId);
    else ids.push(...pieces);
  }
  return ids;
}

/**
 * Mean-pooled, L2-normalized sentence vector of a locus-glove-sif table ([CLS] and [SEP] rows are zero,
 * so they are left out; only the first MAX_LENGTH − 2 tokens count, as in the pipeline).
 */
export function embedWithTable(
  text: string,
  table: { tokens: string[]; dim: number; data: Float32Array },
  vocab: ReadonlyMap<string, number> = vocabMap(table.tokens),
): Float64Array {
  const ids = wordPieceTokenize(text, vocab, vocab.get('[UNK]') ?? 1).slice(0, MAX_LENGTH - 2);
  const out = new Float64Array(table.dim);
  for (const id of ids) for (let d = 0; d < table.dim; d++) out[d]! += table.data[id * table.dim + d]!;
  let norm = 0;
  for (let d = 0; d < table.dim; d++) norm += out[d]! * out[d]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let d = 0; d < table.dim; d++) out[d]! /= norm;
  return out;
}

export function vocabMap(tokens: readonly string[]): Map<string, number> {
  return new Map(tokens.map((t, i) => [t, i]));
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Cosine matrix over PROBE_SENTENCES, rounded to 3 decimals (what the model card prints). */
export function probeMatrix(embed: (text: string) => ArrayLike<number>): number[][] {
  const vecs = PROBE_SENTENCES.map(embed);
  return vecs.map((a) => vecs.map((b) => Math.round(cosine(a, b) * 1000) / 1000));
}
