// Per-row symmetric quantization of the embedding table (one float scale per token row).

export interface Q8Table {
  /** int8 values, row-major `rows * dim`. */
  values: Int8Array;
  /** One scale per row: value ≈ q * scale. */
  scales: Float32Array;
}

export interface Q4Table {
  /** Two 4-bit codes per byte: byte j of a row holds dim j (low nibble) and dim j + dim/2 (high). */
  packed: Uint8Array;
  /** One scale per row: value ≈ (code - 8) * scale. */
  scales: Float32Array;
}

export function quantizeQ8(data: Float32Array, dim: number): Q8Table {
  const rows = data.length / dim;
  const values = new Int8Array(data.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(data[r * dim + d]!));
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    if (scale === 0) continue;
    for (let d = 0; d < dim; d++) values[r * dim + d] = Math.round(data[r * dim + d]! / scale);
  }
  return { values, scales };
}

/** Clipping ratios tried per row; the one with the least squared error wins (deterministic). */
const Q4_CLIPS = [1, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5];

export function quantizeQ4(data: Float32Array, dim: number): Q4Table {
  if (dim % 2 !== 0) throw new Error('q4 packing needs an even dimension');
  const rows = data.length / dim;
  const half = dim / 2;
  const packed = new Uint8Array(rows * half);
  const scales = new Float32Array(rows);
  const codes = new Uint8Array(dim);
  for (let r = 0; r < rows; r++) {
    const row = data.subarray(r * dim, (r + 1) * dim);
    let max = 0;
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(row[d]!));
    let best = 0;
    let bestErr = Number.POSITIVE_INFINITY;
    for (const clip of Q4_CLIPS) {
      const scale = Math.fround((max * clip) / 7);
      if (scale === 0) break;
      let err = 0;
      for (let d = 0; d < dim; d++) {
        const q = Math.min(7, Math.max(-8, Math.round(row[d]! / scale)));
        err += (row[d]! - q * scale) ** 2;
      }
      if (err < bestErr) {
        bestErr = err;
        best = scale;
      }
    }
    scales[r] = best;
    for (let d = 0; d < dim; d++) {
      codes[d] = best === 0 ? 8 : Math.min(7, Math.max(-8, Math.round(row[d]! / best))) + 8;
    }
    for (let j = 0; j < half; j++) packed[r * half + j] = codes[j]! | (codes[j + half]! << 4);
  }
  return { packed, scales };
}

export function dequantizeQ8(q: Q8Table, dim: number): Float32Array {
  const out = new Float32Array(q.values.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.fround(q.values[i]! * q.scales[Math.floor(i / dim)]!);
  return out;
}

export function dequantizeQ4(q: Q4Table, dim: number): Float32Array {
  const half = dim / 2;
  const rows = q.scales.length;
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < half; j++) {
      const byte = q.packed[r * half + j]!;
      out[r * dim + j] = Math.fround(((byte & 15) - 8) * q.scales[r]!);
      out[r * dim + j + half] = Math.fround(((byte >> 4) - 8) * q.scales[r]!);
    }
  }
  return out;
}
