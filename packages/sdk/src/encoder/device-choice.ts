import type { EncoderSpec } from './create.js';
import type { Encoder } from './types.js';

/** Where measured choices are remembered (IndexedDB in the SDK; memory in tests). */
export interface MeasurementCache {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}

export interface DeviceTrial {
  device: 'webgpu' | 'wasm';
  ok: boolean;
  /** Median ms for the calibration batch, when it ran. */
  batchMs?: number;
  error?: string;
}

export interface DeviceChoice {
  device: 'webgpu' | 'wasm';
  trials: DeviceTrial[];
  measuredAt: number;
}

/** Short, fixed texts: the batch every device is timed on. */
export const CALIBRATION_TEXTS = Array.from(
  { length: 16 },
  (_, i) => `Calibration sentence ${i}: readers compare running shoes, pasta recipes and train tickets.`,
);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timeBatch(encoder: Encoder, runs = 3): Promise<number> {
  await encoder.embed(CALIBRATION_TEXTS); // warm-up: shader compilation, allocations
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await encoder.embed(CALIBRATION_TEXTS);
    times.push(performance.now() - start);
  }
  return median(times);
}

/**
 * Picks the faster of WebGPU and WASM for a transformers.js model by running the same batch on
 * each, each in its own worker (so a WebGPU failure cannot poison the WASM runtime). Returns the
 * winner still loaded; the loser is disposed. WebGPU is skipped when there is no adapter.
 */
export async function chooseDevice<E extends Encoder>(
  spec: Omit<EncoderSpec, 'device'>,
  start: (spec: EncoderSpec) => Promise<E>,
  hasGpu: boolean,
): Promise<{ encoder: E; choice: DeviceChoice }> {
  const trials: DeviceTrial[] = [];
  let best: { encoder: E; device: 'webgpu' | 'wasm'; ms: number } | undefined;
  for (const device of hasGpu ? (['webgpu', 'wasm'] as const) : (['wasm'] as const)) {
    try {
      const encoder = await start({ ...spec, device });
      const ms = await timeBatch(encoder);
      trials.push({ device, ok: true, batchMs: ms });
      if (!best || ms < best.ms) {
        await best?.encoder.dispose();
        best = { encoder, device, ms };
      } else {
        await encoder.dispose();
      }
    } catch (err) {
      trials.push({ device, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (!best)
    throw new Error(
      `no device could run ${spec.model}: ${trials.map((t) => `${t.device}: ${t.error}`).join('; ')}`,
    );
  return { encoder: best.encoder, choice: { device: best.device, trials, measuredAt: Date.now() } };
}
