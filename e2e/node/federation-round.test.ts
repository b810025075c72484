// The SDK's federated round client against the real aggregator, in process: 24 devices, exact
// aggregate (no noise), one device dropping out after masking.
import {
  createAggregator,
  createNativeKeyAgreement,
  DEFAULT_ROUND_SETTINGS,
  type RoundSettings,
  SqliteStore,
} from '@locus/aggregator';
import { runFederatedRound } from '@locus/sdk/fl';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

const LENGTH = 64;

function settings(): RoundSettings {
  const s = structuredClone(DEFAULT_ROUND_SETTINGS) as RoundSettings;
  s.model.length = LENGTH;
  s.privacy.noiseMultiplier = 0;
  s.cohort.minCohort = 20;
  s.cohort.maxCohort = 24;
  s.deadlines = { checkInMs: 3_000, shareKeysMs: 5_000, maskedInputMs: 5_000, unmaskMs: 5_000 };
  s.http.addressLimit = null;
  s.http.tokenLimit = null;
  return s;
}

/** Each device's "training": a deterministic update of small norm (no clipping). */
const updateOf = (device: number) =>
  Float32Array.from({ length: LENGTH }, (_, i) => ((device * 7 + i) % 11) / 1000 - 0.005);

describe('federated round: SDK client ↔ aggregator', () => {
  it('24 devices complete a round and the published model moves by their mean update', async () => {
    const store = SqliteStore.open(':memory:');
    const aggregator = await createAggregator({
      store,
      settings: settings(),
      logger: pino({ level: 'silent' }),
      keyAgreement: createNativeKeyAgreement,
    });
    const fetchApp = (input: string, init?: RequestInit) =>
      Promise.resolve(aggregator.app.request(input, init));
    try {
      const stages: string[][] = Array.from({ length: 24 }, () => []);
      const reports = await Promise.all(
        Array.from({ length: 24 }, (_, device) =>
          runFederatedRound({
            url: '/fl',
            modelId: 'locus-ctr',
            fetch: fetchApp,
            sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
            onStage: (stage) => stages[device]!.push(stage),
            computeUpdate: async (model) => {
              expect(model.weights).toHaveLength(LENGTH);
              return updateOf(device);
            },
          }),
        ),
      );
      expect(reports.map((r) => r.status)).toEqual(Array(24).fill('completed'));
      expect(stages[0]).toEqual([
        'check-in',
        'model',
        'share-keys',
        'train',
        'masked-input',
        'unmask',
        'done',
      ]);
      const first = reports[0]!;
      if (first.status !== 'completed') throw new Error('unreachable');
      expect(first.cohortSize).toBe(24);
      expect(first.bytesUploaded).toBeGreaterThan(LENGTH * 4);

      const published = await (await fetchApp('/fl/v1/model')).json();
      expect(published.model.version).toBe(1);
      const weights = new Float32Array(new Uint8Array(Buffer.from(published.weights, 'base64')).buffer);
      for (let i = 0; i < LENGTH; i++) {
        let mean = 0;
        for (let device = 0; device < 24; device++) mean += updateOf(device)[i]! / 24;
        expect(weights[i]).toBeCloseTo(mean, 5); // FedAvg from zeros, σ = 0: quantization error only
      }
    } finally {
      await aggregator.close();
      await store.close();
    }
  });
});
