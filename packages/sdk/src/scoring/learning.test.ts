import 'fake-indexeddb/auto';
import { locusCtrShape } from '@locus/protocol';
import { describe, expect, it } from 'vitest';
import { CtrExampleCodec } from '../ctr/index.js';
import { ProfileStore } from '../profile/store.js';
import { CtrRuntime, LOCAL_MODEL_ID } from './ctr-runtime.js';
import { DEFAULT_LEARNING, matureExamples, OnlineLearning } from './learning.js';

const DIM = 8;
const unit = (i: number) => Float32Array.from({ length: DIM }, (_, k) => (k === i ? 1 : 0));

describe('matureExamples', () => {
  it('keeps clicks at once and impressions once they had time to be clicked, with features only', () => {
    const features = new Float32Array(3);
    const now = 1_000_000;
    const kept = matureExamples(
      [
        { adId: 'a', time: now, label: 1, features },
        { adId: 'b', time: now - 1000, label: 0, features },
        { adId: 'c', time: now - DEFAULT_LEARNING.maturityMs, label: 0, features },
        { adId: 'd', time: now - DEFAULT_LEARNING.maturityMs, label: 0 },
      ],
      now,
      DEFAULT_LEARNING,
    );
    expect(kept.map((e) => e.adId)).toEqual(['a', 'c']);
  });
});

describe('OnlineLearning', () => {
  it('learns from labelled impressions on idle, keeps the weights, and leaves the device nothing to send', async () => {
    const store = await ProfileStore.open('learning-1', { report: () => {} });
    const runtime = new CtrRuntime({
      backend: 'cpu',
      assetsUrl: undefined,
      store: async () => store,
      report: () => {},
    });
    const codec = new CtrExampleCodec(locusCtrShape(DIM));
    // The user clicks ads along axis 0 and ignores ads along axis 1 — whatever the interest says.
    const old = Date.now() - DEFAULT_LEARNING.maturityMs - 1;
    for (let i = 0; i < 40; i++) {
      const clicked = i % 2 === 0;
      const features = codec.encode({
        user: { interests: [unit(2), unit(2)] },
        ad: { text: clicked ? unit(0) : unit(1), ids: [clicked ? 'liked' : 'ignored'] },
        context: { slot: 'side' },
      });
      await store.addExample({
        adId: clicked ? 'liked' : 'ignored',
        time: old,
        label: clicked ? 1 : 0,
        features,
      });
    }
    const model = await runtime.model(DIM);
    const probe = (ad: Float32Array, id: string) =>
      model.score(
        { interests: [unit(2), unit(2)] },
        { context: { slot: 'side' } },
        model.prepareAds([{ text: ad, ids: [id] }]),
      );
    const before = [(await probe(unit(0), 'liked'))[0]!, (await probe(unit(1), 'ignored'))[0]!];
    expect(before[0]).toBeCloseTo(before[1]!, 6); // the prior cannot tell them apart

    const learning = new OnlineLearning(runtime, async () => store, { ...DEFAULT_LEARNING, steps: 30 });
    const result = await learning.maybeTrain(DIM);
    expect(result).toMatchObject({ examples: 40, steps: 30, calibrated: true });
    const after = [(await probe(unit(0), 'liked'))[0]!, (await probe(unit(1), 'ignored'))[0]!];
    expect(after[0]).toBeGreaterThan(after[1]! + 0.2);
    expect((await store.modelWeights(LOCAL_MODEL_ID))?.weights).toEqual(model.toFlat());
    // Nothing new since: no second session.
    expect(await learning.maybeTrain(DIM)).toBeUndefined();
    runtime.dispose();
    store.close();
  });

  it('after rankings, reads the examples at most once per recheck interval', async () => {
    let reads = 0;
    const store = {
      examples: async () => {
        reads++;
        return [];
      },
    } as unknown as ProfileStore;
    const runtime = new CtrRuntime({
      backend: 'cpu',
      assetsUrl: undefined,
      store: async () => null,
      report: () => {},
    });
    const learning = new OnlineLearning(runtime, async () => store, DEFAULT_LEARNING);
    const t = 1_000_000;
    await learning.recheck(DIM, t);
    await learning.recheck(DIM, t + 10);
    await learning.recheck(DIM, t + DEFAULT_LEARNING.recheckMs - 1);
    expect(reads).toBe(1);
    await learning.recheck(DIM, t + DEFAULT_LEARNING.recheckMs);
    expect(reads).toBe(2);
    // A new impression still trains at once (maybeTrain is not throttled).
    await learning.maybeTrain(DIM, t + DEFAULT_LEARNING.recheckMs + 1);
    expect(reads).toBe(3);
    runtime.dispose();
  });
});
