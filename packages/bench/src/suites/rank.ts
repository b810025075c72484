import 'fake-indexeddb/auto';
import { env, pipeline } from '@huggingface/transformers';
import { modelsDir } from '@locus/models';
import { createLocus, type Locus } from '@locus/sdk';
import { syntheticCatalog } from '../ads.js';
import { bareCtr } from '../bare-ctr.js';
import { compare, type Row, summarize } from '../harness.js';

export const PAGE =
  'Sixteen weeks to your first marathon: long runs, tempo runs and easy days, so you reach the start line healthy and finish the race strong.';

export interface RankSuiteOptions {
  ads: number;
  backends: ('wasm' | 'cpu')[];
  iterations: number;
  warmup: number;
}

/** Ad embeddings computed by transformers.js directly, on the same model files Locus uses. */
export async function bareEmbeddings(texts: string[]): Promise<Float32Array> {
  env.allowRemoteModels = false;
  env.localModelPath = `${modelsDir()}/`;
  const extract = await pipeline('feature-extraction', 'locus-glove-sif', { dtype: 'q8' });
  const output = await extract(texts, { pooling: 'mean', normalize: true });
  const data = output.data as Float32Array;
  await extract.dispose();
  return data;
}

function normalized(vector: number[]): Float32Array {
  const n = Math.hypot(...vector);
  return Float32Array.from(vector, (x) => x / n);
}

/**
 * rank() of N catalog ads with their embeddings cached, against a bare tfjs predict of the same
 * model on the same inputs, interleaved in one run per backend (Node).
 */
export async function rankSuite(options: RankSuiteOptions): Promise<{ rows: Row[]; checks: string[] }> {
  const catalog = syntheticCatalog(options.ads);
  const adVectors = await bareEmbeddings(catalog.map((ad) => ad.text));
  const dim = adVectors.length / catalog.length;
  const rows: Row[] = [];
  const checks: string[] = [];

  for (const backend of options.backends) {
    const locus: Locus = await createLocus({
      catalog,
      backend,
      encoder: { baseUrl: modelsDir(), dtype: 'q8', load: 'eager' },
      storage: { dbName: `bench-rank-${backend}-${Date.now()}` },
    });
    await locus.track({ type: 'view', text: PAGE });
    const ranked = await locus.rank(); // embeds and caches the catalog once
    const user = normalized((await locus.profile.export()).interest!.vector);

    // The same model Locus builds, on the same inputs: its scores must match rank()'s exactly.
    const ids = catalog.map((ad) => ad.id);
    const model = bareCtr(dim);
    const bare = await model.predict(user, adVectors, ids);
    const byId = new Map(catalog.map((ad, i) => [ad.id, bare[i]!]));
    const worst = Math.max(...ranked.map((ad) => Math.abs(ad.pctr - byId.get(ad.id)!)));
    if (!(worst < 1e-5)) throw new Error(`rank() and the bare model disagree by ${worst} on ${backend}`);
    checks.push(
      `${backend}: rank() pCTR equals bare predict for all ${catalog.length} ads (max |Δ| ${worst.toExponential(1)})`,
    );

    const [rankTimes, bareTimes] = await compare(
      () => locus.rank(),
      () => model.predict(user, adVectors, ids),
      options,
    );
    const where = `${backend} (Node)`;
    const bareRow = summarize({
      name: `bare tfjs predict, ${catalog.length} ads`,
      backend: where,
      times: bareTimes,
    });
    const rankRow = summarize({
      name: `rank(), ${catalog.length} ads, cached`,
      backend: where,
      times: rankTimes,
    });
    rankRow.ratio = rankRow.medianMs / bareRow.medianMs;
    rows.push(rankRow, bareRow);

    model.dispose();
    await locus.dispose();
  }
  return { rows, checks };
}
