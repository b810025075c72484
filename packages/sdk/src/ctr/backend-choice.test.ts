import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type BackendChoice, chooseBackend, InMemoryBackendChoiceCache } from './backend-choice.js';
import { activateBackend } from './backends.js';
import { locusCtrShape } from './features.js';

const shape = { ...locusCtrShape(8), idBuckets: 64, hidden: [8, 4] };

describe('chooseBackend', () => {
  it('measures the backends that run here, checks them against cpu, and caches the choice', async () => {
    await activateBackend('cpu', undefined);
    const cache = new InMemoryBackendChoiceCache();
    const puts: BackendChoice[] = [];
    const spy = {
      get: cache.get.bind(cache),
      put: async (k: string, c: BackendChoice) => {
        puts.push(c);
        await cache.put(k, c);
      },
    };
    const options = {
      shape,
      candidates: 50,
      batchSize: 16,
      backends: ['webgpu', 'wasm', 'cpu'] as const,
      repeats: 2,
      cache: spy,
      environment: 'test',
    };
    const choice = await chooseBackend({ ...options, backends: [...options.backends] });
    expect(choice.measurements.map((m) => [m.backend, m.available, m.correct])).toEqual([
      ['webgpu', false, undefined],
      ['wasm', true, true],
      ['cpu', true, true],
    ]);
    const wasm = choice.measurements[1]!;
    expect(wasm.maxError!).toBeLessThan(1e-3);
    expect(wasm.scoreMs!).toBeGreaterThan(0);
    expect(wasm.trainMs!).toBeGreaterThan(0);
    expect(['wasm', 'cpu']).toContain(choice.score);
    expect(['wasm', 'cpu']).toContain(choice.train);
    expect(choice.key).toMatch(/\|n50\|b16\|test$/);
    // The backend that was active before is active again.
    expect(tf.getBackend()).toBe('cpu');

    const again = await chooseBackend({ ...options, backends: [...options.backends] });
    expect(again).toBe(choice);
    expect(puts).toHaveLength(1);
  });

  it('uses a forced backend without measuring', async () => {
    const choice = await chooseBackend({ shape, force: 'wasm', environment: 'test' });
    expect(choice).toMatchObject({ score: 'wasm', train: 'wasm', measurements: [] });
    expect(tf.getBackend()).toBe('wasm');
    await activateBackend('cpu', undefined);
  });
});
