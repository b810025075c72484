import { CtrModelError } from './errors.js';

/**
 * Calibration maps the model's logit to a probability that matches observed click rates, so
 * that pCTR can be multiplied by a bid (eCPM) and compared across ads. It must never reorder ads:
 * both methods are monotone non-decreasing in the logit.
 *
 * - Platt scaling (Platt 1999): p = σ(a·logit + b), fitted by Newton's method on Platt's smoothed
 *   targets, which keeps it sane on the few hundred examples a device has.
 * - Isotonic regression (pool adjacent violators, Zadrozny & Elkan 2002): a step function,
 *   interpolated linearly between block centres; needs more data, assumes nothing about shape.
 */
export type Calibration =
  | { method: 'identity' }
  | { method: 'platt'; a: number; b: number }
  | { method: 'isotonic'; logits: number[]; rates: number[] };

export const IDENTITY_CALIBRATION: Calibration = { method: 'identity' };

/** The smallest Platt slope allowed: a model with no signal flattens, it never inverts. */
const MIN_SLOPE = 1e-3;

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function applyCalibration(calibration: Calibration, logit: number): number {
  if (!Number.isFinite(logit)) return Number.NaN;
  switch (calibration.method) {
    case 'identity':
      return sigmoid(logit);
    case 'platt':
      return sigmoid(calibration.a * logit + calibration.b);
    case 'isotonic':
      return interpolate(calibration.logits, calibration.rates, logit);
  }
}

function interpolate(xs: number[], ys: number[], x: number): number {
  if (xs.length === 0) return Number.NaN;
  if (x <= xs[0]!) return ys[0]!;
  if (x >= xs[xs.length - 1]!) return ys[ys.length - 1]!;
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const span = xs[hi]! - xs[lo]!;
  if (span <= 0) return ys[hi]!;
  const t = (x - xs[lo]!) / span;
  return ys[lo]! + t * (ys[hi]! - ys[lo]!);
}

function checkData(logits: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (logits.length !== labels.length) {
    throw new CtrModelError('bad-input', `${logits.length} logits but ${labels.length} labels`);
  }
  for (let i = 0; i < logits.length; i++) {
    if (!Number.isFinite(logits[i]!)) throw new CtrModelError('bad-input', `logit ${i} is ${logits[i]}`);
    if (labels[i] !== 0 && labels[i] !== 1)
      throw new CtrModelError('bad-input', `label ${i} is ${labels[i]}`);
  }
  return logits.length;
}

/** Platt scaling by Newton's method with backtracking (Lin, Lin & Weng 2007). */
export function fitPlatt(logits: ArrayLike<number>, labels: ArrayLike<number>): Calibration {
  const n = checkData(logits, labels);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  const negatives = n - positives;
  if (n === 0) return IDENTITY_CALIBRATION;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const target = (i: number) => (labels[i] === 1 ? hi : lo);
  const loss = (a: number, b: number) => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const z = a * logits[i]! + b;
      // -[t log σ(z) + (1-t) log(1-σ(z))] = softplus(z) - t·z, computed stably.
      total += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - target(i) * z;
    }
    return total;
  };
  let a = 1;
  let b = Math.log((positives + 1) / (negatives + 1));
  let current = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < n; i++) {
      const x = logits[i]!;
      const p = sigmoid(a * x + b);
      const r = p - target(i);
      const w = p * (1 - p);
      ga += r * x;
      gb += r;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    if (Math.abs(ga) < 1e-9 && Math.abs(gb) < 1e-9) break;
    const det = haa * hbb - hab * hab;
    const da = det > 0 ? (hbb * ga - hab * gb) / det : ga;
    const db = det > 0 ? (haa * gb - hab * ga) / det : gb;
    let step = 1;
    let improved = false;
    while (step > 1e-10) {
      const na = a - step * da;
      const nb = b - step * db;
      const next = loss(na, nb);
      if (next < current - 1e-4 * step * (ga * da + gb * db)) {
        a = na;
        b = nb;
        current = next;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  if (!Number.isFinite(a) || !Number.isFinite(b)) return IDENTITY_CALIBRATION;
  return { method: 'platt', a: Math.max(a, MIN_SLOPE), b };
}

/** Isotonic regression of labels on logits (pool adjacent violators). */
export function fitIsotonic(logits: ArrayLike<number>, labels: ArrayLike<number>): Calibration {
  const n = checkData(logits, labels);
  if (n === 0) return IDENTITY_CALIBRATION;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => logits[i]! - logits[j]!);
  // Blocks of (sum of labels, count, sum of logits), merged while rates decrease.
  const sums: number[] = [];
  const counts: number[] = [];
  const xs: number[] = [];
  for (const i of order) {
    sums.push(labels[i]!);
    counts.push(1);
    xs.push(logits[i]!);
    while (sums.length > 1) {
      const last = sums.length - 1;
      if (sums[last - 1]! / counts[last - 1]! <= sums[last]! / counts[last]!) break;
      sums[last - 1]! += sums[last]!;
      counts[last - 1]! += counts[last]!;
      xs[last - 1]! += xs[last]!;
      sums.pop();
      counts.pop();
      xs.pop();
    }
  }
  // Rates are shrunk slightly towards the overall rate (one pseudo-example per block), so that a
  // block of three non-clicks does not claim a click probability of exactly 0. Small blocks shrink
  // more than large ones, so a running maximum restores the order PAV established.
  let total = 0;
  for (let i = 0; i < n; i++) total += labels[i]!;
  const overall = total / n;
  const rates: number[] = [];
  sums.forEach((s, i) => {
    rates.push(Math.max(rates[i - 1] ?? 0, (s + overall) / (counts[i]! + 1)));
  });
  return { method: 'isotonic', logits: xs.map((x, i) => x / counts[i]!), rates };
}

export type CalibrationMethod = 'platt' | 'isotonic';

/** Fits a calibration of `logits` (the model's raw outputs on recent examples) to their labels. */
export function calibrate(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  method: CalibrationMethod = 'platt',
): Calibration {
  return method === 'platt' ? fitPlatt(logits, labels) : fitIsotonic(logits, labels);
}

/** Throws unless `value` is a well-formed calibration (for weights loaded from storage). */
export function checkCalibration(value: unknown): Calibration {
  const c = value as Calibration;
  const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  if (c?.method === 'identity') return c;
  if (c?.method === 'platt' && finite(c.a) && finite(c.b) && c.a > 0) return c;
  if (
    c?.method === 'isotonic' &&
    Array.isArray(c.logits) &&
    Array.isArray(c.rates) &&
    c.logits.length === c.rates.length &&
    c.logits.length > 0 &&
    c.logits.every(finite) &&
    c.rates.every((r) => finite(r) && r >= 0 && r <= 1) &&
    c.logits.every((x, i) => i === 0 || x >= c.logits[i - 1]!) &&
    c.rates.every((r, i) => i === 0 || r >= c.rates[i - 1]!)
  ) {
    return c;
  }
  throw new CtrModelError('non-finite', 'calibration is malformed or not finite');
}
