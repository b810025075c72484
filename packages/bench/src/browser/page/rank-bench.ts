import { createLocus, type Locus } from '@locus/sdk';
import { gpuAdapterInfo } from '@locus/sdk/ctr';
import { loadEncoder } from '@locus/sdk/encoder';
import { syntheticCatalog } from '../../ads.js';
import { bareCtr } from './ctr-adapter.js';
import type { RankBenchOptions, RankBenchResult } from './protocol.js';
import { flatten, interleave } from './timing.js';

/**
 * Runs `load` with Worker hidden, so the SDK loads its encoder in this page (its documented
 * no-Worker path) rather than in the npm build's worker, which cannot start in a Vite-built
 * page today (the worker asset keeps bare imports). rank() with cached embeddings does not
 * call the encoder, so where the model loaded does not change what is timed.
 */
async function withoutWorker<T>(load: () => Promise<T>): Promise<T> {
  const scope = globalThis as { Worker?: unknown };
  const saved = scope.Worker;
  scope.Worker = undefined;
  try {
    return await load();
  } finally {
    scope.Worker = saved;
  }
}

function normalized(vector: number[]): Float32Array {
  const n = Math.hypot(...vector);
  return Float32Array.from(vector, (x) => x / n);
}

/**
 * rank() of N catalog ads with their embeddings cached, against a bare tfjs predict of the same
 * model on the same inputs and against a predict on tensors already on the backend, interleaved,
 * on one tfjs backend (the technique of ../../suites/rank.ts, in Chromium).
 */
export async function runRankBench(options: RankBenchOptions): Promise<RankBenchResult> {
  const assetsUrl = new URL(options.paths.locusAssets, location.href).href;
  const largest = Math.max(...options.sizes);
  const catalog = syntheticCatalog(largest);
  // The ad embeddings rank() uses, computed once by the same public encoder (q8, main thread).
  const { encoder } = await loadEncoder({
    model: 'locus-glove-sif',
    dtype: 'q8',
    baseUrl: options.paths.models,
    device: 'wasm',
  });
  const allVectors = await encoder.embed(catalog.map((ad) => ad.text));
  await encoder.dispose();
  const dim = allVectors[0]!.length;

  const samples: RankBenchResult['samples'] = [];
  const checks: string[] = [];
  let backendLabel: string = options.backend;
  let adapter: string | null = null;

  for (const [index, size] of options.sizes.entries()) {
    const ads = catalog.slice(0, size);
    const locus: Locus = await createLocus({
      catalog: ads,
      backend: options.backend,
      assetsUrl,
      encoder: { baseUrl: options.paths.models, dtype: 'q8', load: 'eager' },
      storage: { dbName: `bench-rank-${options.backend}-${size}-${Date.now()}` },
    });
    const info = locus.info();
    if (info.backend !== options.backend) {
      throw new Error(`asked for ${options.backend}, Locus runs on ${info.backend}`);
    }
    if (options.backend === 'webgpu') {
      const gpu = await gpuAdapterInfo();
      adapter = gpu
        ? `${gpu.architecture || gpu.vendor}${gpu.isFallbackAdapter ? ', fallback adapter' : ''}`
        : null;
      backendLabel = `webgpu (${adapter ?? 'no adapter'}), Chromium`;
    } else backendLabel = `${options.backend}, Chromium`;

    // Eager: the model loads now and the page becomes the profile; rank() embeds and caches the catalog.
    const ranked = await withoutWorker(async () => {
      await locus.track({ type: 'view', text: options.pageText });
      return locus.rank();
    });
    if (locus.info().encoder.status !== 'ready') {
      throw new Error(`the encoder did not load: ${JSON.stringify(locus.info().encoder)}`);
    }
    const user = normalized((await locus.profile.export()).interest!.vector);
    const adVectors = flatten(allVectors.slice(0, size));

    const bare = bareCtr(dim);
    const ids = ads.map((ad) => ad.id);
    const scores = await bare.predict(user, adVectors, ids);
    const byId = new Map(ads.map((ad, i) => [ad.id, scores[i]!]));
    const worst = Math.max(...ranked.map((ad) => Math.abs(ad.pctr - byId.get(ad.id)!)));
    if (!(worst < 1e-5)) throw new Error(`rank() and the bare model disagree by ${worst} on ${backendLabel}`);
    checks.push(
      `${backendLabel}: rank() pCTR equals bare predict for all ${size} ads (max |Δ| ${worst.toExponential(1)})`,
    );

    const times = await interleave(
      [
        { name: 'rank', run: () => locus.rank() },
        // As the slot module calls it: the best few, explained, rather than every candidate.
        { name: 'rank-slots', run: () => locus.rank(undefined, { limit: 3 }) },
        { name: 'bare', run: () => bare.predict(user, adVectors, ids) },
      ],
      { warmup: options.warmup, iterations: options.iterations[index]! },
    );
    for (const variant of ['rank', 'rank-slots', 'bare']) {
      samples.push({ variant, backend: backendLabel, items: size, size, times: times[variant]! });
    }
    bare.dispose();
    await locus.dispose();
  }
  return { backend: backendLabel, adapter, samples, checks };
}
