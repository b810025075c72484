import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CachedEncoder } from '../encoder/cache.js';
import type { KeywordEncoder } from '../encoder/keyword-encoder.js';
import type { ProfileService } from '../profile/service.js';
import { ProfileStore } from '../profile/store.js';
import type { AdCandidate } from '../types.js';
import { CtrRuntime } from './ctr-runtime.js';
import { Ranker } from './ranker.js';

const DIM = 8;

/** A fixed vector per text (what the encoder would return from its cache), unit length. */
function vectorOf(text: string): Float32Array {
  const v = new Float32Array(DIM);
  for (let i = 0; i < text.length; i++) v[(text.charCodeAt(i) * 7 + i) % DIM]! += 1;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const model = {
  encoder: { id: 'test-encoder' },
  embed: async (texts: string[]) => texts.map(vectorOf),
} as unknown as CachedEncoder;

/** No interests yet (the page is the signal); the store keeps the exposure counts. */
function profilesWith(store: ProfileStore) {
  return {
    interestFor: async () => undefined,
    storeForCache: async () => store,
  } as unknown as ProfileService;
}

const ads: AdCandidate[] = Array.from({ length: 30 }, (_, i) => ({
  id: `ad-${i}`,
  text: `ad number ${i} about ${['hiking', 'cooking', 'trains', 'phones'][i % 4]}`,
  advertiser: `adv-${i % 6}`,
}));

describe('Ranker explanations', () => {
  let runtime: CtrRuntime | undefined;
  afterEach(() => runtime?.dispose());

  it('are computed once for the same inputs, again when the page, the weights or an exposure change', async () => {
    runtime = new CtrRuntime({
      backend: 'cpu',
      assetsUrl: undefined,
      store: async () => null,
      report: () => {},
    });
    const module = await runtime.start();
    const explained: number[][] = [];
    const counting = {
      ...module,
      featureContributions: (...args: Parameters<typeof module.featureContributions>) => {
        explained.push([...args[4]]);
        return module.featureContributions(...args);
      },
    };
    vi.spyOn(runtime, 'start').mockResolvedValue(counting);
    const store = await ProfileStore.open('ranker-explanations', { report: () => {} });
    const ranker = new Ranker(runtime, profilesWith(store), {} as KeywordEncoder, {
      caps: undefined,
      blocklist: undefined,
      exploration: { kind: 'none' },
      seed: 1,
    });
    const now = Date.UTC(2026, 10, 29, 10);
    const request = { ads, pageText: 'a walk in the hills', slot: 'side', limit: 3, now };
    const contributionsOf = (outcome: Awaited<ReturnType<Ranker['rank']>>) =>
      outcome.ranked.slice(0, 3).map((r) => [r.id, r.explanation.reasons]);

    const first = await ranker.rank(request, model);
    expect(explained).toHaveLength(1);
    expect(explained[0]).toHaveLength(12); // the likely ads: max(limit, 12)
    expect(first.ranked[0]!.explanation.reasons?.length).toBeGreaterThan(0);
    const again = await ranker.rank({ ...request, now: now + 1000 }, model);
    expect(explained).toHaveLength(1); // nothing new to explain
    expect(contributionsOf(again)).toEqual(contributionsOf(first));

    await ranker.rank({ ...request, pageText: 'a train across the alps' }, model);
    expect(explained).toHaveLength(2);

    // The weights change (a training step, a new global model): explained afresh.
    const ctr = await runtime.model(DIM);
    const weights = ctr.toFlat();
    weights[0]! += 0.5;
    ctr.setWeights(weights, ctr.version);
    await ranker.rank({ ...request, pageText: 'a train across the alps' }, model);
    expect(explained).toHaveLength(3);
    expect(explained[2]).toHaveLength(12);

    // The top ad was shown: only it is explained again (its exposure is part of what it saw).
    const top = (await ranker.rank({ ...request, pageText: 'a train across the alps' }, model)).ranked[0]!;
    expect(explained).toHaveLength(3);
    await store.recordExposure(top.id, top.ad.advertiser, now);
    ranker.shown();
    await ranker.rank({ ...request, pageText: 'a train across the alps', now: now + 60_000 }, model);
    expect(explained).toHaveLength(4);
    expect(explained[3]).toEqual([ads.findIndex((ad) => ad.id === top.id)]);
    store.close();
  });
});
