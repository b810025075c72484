import { describe, expect, it } from 'vitest';
import type { EncoderSpec } from './create.js';
import { chooseDevice } from './device-choice.js';
import type { Encoder } from './types.js';

/** An encoder whose embed() takes `ms` (a timer, so the measurement has something to see). */
function slowEncoder(ms: number, log: string[], device: string): Encoder {
  return {
    id: device,
    model: 'm',
    dtype: 'q8',
    embed: (texts) =>
      new Promise((resolve) => setTimeout(() => resolve(texts.map(() => new Float32Array(1))), ms)),
    dispose: async () => {
      log.push(`disposed ${device}`);
    },
  };
}

const spec = { model: 'm', dtype: 'q8' as const, baseUrl: '/models/' };

describe('chooseDevice', () => {
  it('keeps the faster device and disposes the other', async () => {
    const log: string[] = [];
    const start = async ({ device }: EncoderSpec) => slowEncoder(device === 'webgpu' ? 40 : 5, log, device);
    const { encoder, choice } = await chooseDevice(spec, start, true);
    expect(encoder.id).toBe('wasm');
    expect(choice.device).toBe('wasm');
    expect(choice.trials.map((t) => [t.device, t.ok])).toEqual([
      ['webgpu', true],
      ['wasm', true],
    ]);
    expect(choice.trials[0]!.batchMs!).toBeGreaterThan(choice.trials[1]!.batchMs!);
    expect(log).toEqual(['disposed webgpu']);
  });

  it('falls back to WASM in a fresh start when WebGPU fails, and says why', async () => {
    const started: string[] = [];
    const start = async ({ device }: EncoderSpec) => {
      started.push(device);
      if (device === 'webgpu') throw new Error('no WebGPU device');
      return slowEncoder(1, [], device);
    };
    const { choice } = await chooseDevice(spec, start, true);
    expect(started).toEqual(['webgpu', 'wasm']);
    expect(choice.device).toBe('wasm');
    expect(choice.trials[0]).toMatchObject({ device: 'webgpu', ok: false, error: 'no WebGPU device' });
  });

  it('skips WebGPU without an adapter, and fails clearly when nothing runs', async () => {
    const started: string[] = [];
    await expect(
      chooseDevice(
        spec,
        async ({ device }) => {
          started.push(device);
          throw new Error(`${device} broke`);
        },
        false,
      ),
    ).rejects.toThrow('no device could run m: wasm: wasm broke');
    expect(started).toEqual(['wasm']);
  });
});
