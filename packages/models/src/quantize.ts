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
    const best = bestQ4Scale(row);
    scales[r] = best;
    for (let d = 0; d < dim; d++) codes[d] = q4Code(row[d]!, best);
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

/** Weights of a MatMul (B: K rows × N columns, row-major) quantized for MatMulInteger. */
export interface MatMulQ8 {
  /** int8, row-major K × N; zero point 0. */
  values: Int8Array;
  /** One scale per output column: B[k][n] ≈ values[k][n] * scales[n]. */
  scales: Float32Array;
}

/** Symmetric int8 per output column (one scale for each of the N columns). */
export function quantizeMatMulQ8(w: ArrayLike<number>, k: number, n: number): MatMulQ8 {
  const values = new Int8Array(k * n);
  const scales = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    let max = 0;
    for (let r = 0; r < k; r++) max = Math.max(max, Math.abs(w[r * n + c]!));
    const scale = Math.fround(max / 127);
    scales[c] = scale;
    if (scale === 0) continue;
    for (let r = 0; r < k; r++) values[r * n + c] = Math.round(w[r * n + c]! / scale);
  }
  return { values, scales };
}

export function dequantizeMatMulQ8(q: MatMulQ8, k: number, n: number): Float32Array {
  const out = new Float32Array(k * n);
  for (let r = 0; r < k; r++)
    for (let c = 0; c < n; c++) out[r * n + c] = Math.fround(q.values[r * n + c]! * q.scales[c]!);
  return out;
}

/**
 * Weights of a MatMul in com.microsoft MatMulNBits layout (bits 4): B is stored transposed, one row
 * per output column n, cut into blocks of `blockSize` along K; each byte holds two codes (the even
 * element in the low nibble); value = (code − 8) · scale of its block (the default zero point).
 */
export interface MatMulQ4 {
  /** uint8 [N, blocks, blockSize / 2]. */
  packed: Uint8Array;
  /** float [N * blocks]. */
  scales: Float32Array;
  blockSize: number;
  blocks: number;
}

export function quantizeMatMulQ4(w: ArrayLike<number>, k: number, n: number, blockSize = 32): MatMulQ4 {
  if (blockSize % 2 !== 0) throw new RangeError('block size must be even');
  const blocks = Math.ceil(k / blockSize);
  const packed = new Uint8Array(n * blocks * (blockSize / 2));
  const scales = new Float32Array(n * blocks);
  const block = new Float32Array(blockSize);
  for (let c = 0; c < n; c++) {
    for (let b = 0; b < blocks; b++) {
      block.fill(0); // a last, partial block is padded with zeros
      for (let i = 0; i < blockSize && b * blockSize + i < k; i++) block[i] = w[(b * blockSize + i) * n + c]!;
      const scale = bestQ4Scale(block);
      scales[c * blocks + b] = scale;
      const base = (c * blocks + b) * (blockSize / 2);
      for (let i = 0; i < blockSize; i += 2)
        packed[base + i / 2] = q4Code(block[i]!, scale) | (q4Code(block[i + 1]!, scale) << 4);
    }
  }
  return { packed, scales, blockSize, blocks };
}

export function dequantizeMatMulQ4(q: MatMulQ4, k: number, n: number): Float32Array {
  const out = new Float32Array(k * n);
  const half = q.blockSize / 2;
  for (let c = 0; c < n; c++) {
    for (let r = 0; r < k; r++) {
      const b = Math.floor(r / q.blockSize);
      const i = r % q.blockSize;
      const byte = q.packed[(c * q.blocks + b) * half + (i >> 1)]!;
      const code = i % 2 === 0 ? byte & 15 : byte >> 4;
      out[r * n + c] = Math.fround((code - 8) * q.scales[c * q.blocks + b]!);
    }
  }
  return out;
}

function q4Code(x: number, scale: number): number {
  return scale === 0 ? 8 : Math.min(7, Math.max(-8, Math.round(x / scale))) + 8;
}

/** Symmetric 4-bit scale with the clip ratio of least squared error (same search as the table's q4). */
function bestQ4Scale(values: Float32Array): number {
  let max = 0;
  for (const x of values) max = Math.max(max, Math.abs(x));
  let best = 0;
  let bestErr = Number.POSITIVE_INFINITY;
  for (const clip of Q4_CLIPS) {
    const scale = Math.fround((max * clip) / 7);
    if (scale === 0) break;
    let err = 0;
    for (const x of values) err += (x - (q4Code(x, scale) - 8) * scale) ** 2;
    if (err < bestErr) {
      bestErr = err;
      best = scale;
    }
  }
  return best;
}
