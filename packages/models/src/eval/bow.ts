// Bag-of-words baselines over the models' own WordPiece tokenizer: binary term vectors and TF-IDF
// (smoothed idf, as scikit-learn's default), both compared by cosine. [UNK] is not a term.
import { wordPieceTokenize } from '../probe.js';

export type SparseVector = Map<number, number>;

export type BowKind = 'binary' | 'tfidf';

export function bowVectors(
  texts: string[],
  kind: BowKind,
  vocab: ReadonlyMap<string, number>,
): SparseVector[] {
  const unk = vocab.get('[UNK]') ?? -1;
  const counts = texts.map((t) => {
    const m: SparseVector = new Map();
    for (const id of wordPieceTokenize(t, vocab, unk)) if (id !== unk) m.set(id, (m.get(id) ?? 0) + 1);
    return m;
  });
  if (kind === 'binary') return counts.map((m) => new Map([...m.keys()].map((id) => [id, 1])));
  const df = new Map<number, number>();
  for (const m of counts) for (const id of m.keys()) df.set(id, (df.get(id) ?? 0) + 1);
  const n = texts.length;
  return counts.map(
    (m) => new Map([...m].map(([id, tf]) => [id, tf * (Math.log((1 + n) / (1 + df.get(id)!)) + 1)])),
  );
}

export function sparseCosine(a: SparseVector, b: SparseVector): number {
  let dot = 0;
  for (const [id, x] of a) dot += x * (b.get(id) ?? 0);
  if (dot === 0) return 0;
  const norm = (v: SparseVector) => Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0));
  return dot / (norm(a) * norm(b));
}
