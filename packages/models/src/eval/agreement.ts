// How closely two embeddings of the same texts agree: a quantized dtype against fp32, or
// locus-tiny-bert against locus-glove-sif.
import type { Agreement } from './measurements.js';
import { cosine } from './metrics.js';
import type { ParentTask } from './taxonomy.js';

const isZero = (v: ArrayLike<number>) => Array.prototype.every.call(v, (x: number) => x === 0);

/**
 * Cosine between `a` and `b` for every text both embedded (texts whose reference vector is zero are
 * skipped: no signal to compare); `dims` limits the comparison to the first dims of `a` (tiny-bert's
 * word dims against locus-glove-sif). `task` adds the share of children with the same predicted parent.
 */
export function agreement(
  reference: Map<string, ArrayLike<number>>,
  other: Map<string, ArrayLike<number>>,
  task?: ParentTask,
  dims?: number,
): Agreement {
  const cut = (v: ArrayLike<number>) => (dims === undefined ? v : Array.prototype.slice.call(v, 0, dims));
  const cosines: number[] = [];
  for (const [text, ref] of reference) {
    const o = other.get(text);
    if (!o || isZero(ref)) continue;
    cosines.push(cosine(cut(o), ref));
  }
  return {
    texts: cosines.length,
    meanCosine: cosines.reduce((s, x) => s + x, 0) / cosines.length,
    minCosine: Math.min(...cosines),
    parentAgreement: task ? parentAgreement(task, reference, other, cut) : null,
  };
}

function parentAgreement(
  task: ParentTask,
  a: Map<string, ArrayLike<number>>,
  b: Map<string, ArrayLike<number>>,
  cut: (v: ArrayLike<number>) => ArrayLike<number>,
): number | null {
  const predict = (
    m: Map<string, ArrayLike<number>>,
    child: string,
    transform = (v: ArrayLike<number>) => v,
  ) => {
    const c = m.get(child);
    if (!c) return undefined;
    const scores = task.parents.map((p) => {
      const v = m.get(p);
      return v ? cosine(transform(c), transform(v)) : Number.NEGATIVE_INFINITY;
    });
    return scores.indexOf(Math.max(...scores));
  };
  let same = 0;
  let n = 0;
  for (const child of task.children) {
    const pa = predict(a, child.name);
    const pb = predict(b, child.name, cut);
    if (pa === undefined || pb === undefined) continue;
    n++;
    if (pa === pb) same++;
  }
  return n ? same / n : null;
}
