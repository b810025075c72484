import { activateBackend, locusCtrShape } from '@locus/sdk/ctr';
import { bprMf, evaluate, itemKnn, popularity } from './baselines.js';
import { DEFAULT_CRITEO_OPTIONS, loadCriteo, locusOnCriteo, logisticRegression } from './criteo.js';
import { DatasetMissingError, datasetDir } from './data-dir.js';
import { embedTexts } from './embed.js';
import { DEFAULT_MOVIELENS_OPTIONS, LocusMovieLens } from './locus-movielens.js';
import { loadMovieLens, movieText } from './movielens.js';

/**
 * The evaluation harness: MovieLens-100K (leave-last-out, 99 sampled negatives, HR@10 and
 * NDCG@10) and the Criteo sample (AUC, log loss), every model side by side in one run.
 */

export interface EvalRow {
  dataset: string;
  model: string;
  metrics: Record<string, number>;
  notes?: string;
  seconds: number;
}

export interface EvalReport {
  rows: EvalRow[];
  missing: string[];
  settings: Record<string, unknown>;
}

export interface EvalOptions {
  /** Fewer epochs, for a smoke run (the numbers are then not the reported ones). */
  quick?: boolean;
  datasets?: ('movielens' | 'criteo')[];
  log?: (message: string) => void;
}

const since = (start: number) => (performance.now() - start) / 1000;

async function movieLensRows(options: EvalOptions, report: EvalReport): Promise<void> {
  const log = options.log ?? (() => {});
  const data = loadMovieLens(datasetDir('movielens-100k'));
  log(`MovieLens-100K: ${data.users.length} users, ${data.itemCount} movies`);
  const add = (
    model: string,
    start: number,
    metrics: { hr: number; ndcg: number },
    extra: Record<string, number> = {},
    notes?: string,
  ) => {
    report.rows.push({
      dataset: 'MovieLens-100K',
      model,
      metrics: { 'HR@10': metrics.hr, 'NDCG@10': metrics.ndcg, ...extra },
      seconds: since(start),
      ...(notes ? { notes } : {}),
    });
    log(`  ${model}: HR@10 ${metrics.hr.toFixed(3)}, NDCG@10 ${metrics.ndcg.toFixed(3)}`);
  };
  let start = performance.now();
  add('popularity', start, evaluate(data, popularity(data), 'test'));
  start = performance.now();
  add('item-kNN (cosine)', start, evaluate(data, itemKnn(data), 'test'));
  start = performance.now();
  const bprEpochs = options.quick ? 3 : 30;
  const bpr = bprMf(data, {
    dim: 64,
    epochs: bprEpochs,
    learningRate: 0.05,
    regularization: 0.005,
    seed: 1,
    onEpoch: (epoch, v) => log(`  BPR-MF epoch ${epoch}/${bprEpochs}: validation HR@10 ${v.hr.toFixed(3)}`),
  });
  add('BPR-MF (64-d)', start, evaluate(data, bpr, 'test'));

  start = performance.now();
  log('  embedding titles and genres with the default encoder (locus-glove-sif, q8)…');
  const texts = Array.from({ length: data.itemCount + 1 }, (_, i) =>
    data.movies[i] ? movieText(data.movies[i]) : '',
  );
  const { vectors, dim } = await embedTexts(texts);
  await activateBackend('wasm', undefined);
  const epochs = options.quick ? 2 : DEFAULT_MOVIELENS_OPTIONS.epochs;
  const locus = new LocusMovieLens(data, vectors, {
    epochs,
    onProgress: (message) => log(`  Locus ${message}`),
    onEpoch: (epoch, loss, v) =>
      log(
        `  Locus epoch ${epoch}/${epochs}: loss ${loss.toFixed(4)}, validation HR@10 ${v.hr.toFixed(3)} NDCG@10 ${v.ndcg.toFixed(3)}`,
      ),
  });
  try {
    const { bestEpoch, validation } = await locus.train();
    const test = await locus.evaluate('test');
    add(
      'Locus CTR (central)',
      start,
      test,
      { 'validation HR@10': validation.hr },
      `DCN-V2, ${locus.model.parameterCount} parameters, best epoch ${bestEpoch}/${epochs}, served through prepareAds/score`,
    );
    report.settings.movielens = { ...locus.options, shape: locus.model.shape, textDim: dim, bprEpochs };
  } finally {
    locus.dispose();
  }
}

async function criteoRows(options: EvalOptions, report: EvalReport): Promise<void> {
  const log = options.log ?? (() => {});
  const { train, dev } = loadCriteo(datasetDir('criteo-sample'));
  log(`Criteo sample: train ${train.length}, dev ${dev.length}`);
  let start = performance.now();
  const lr = logisticRegression(train, dev);
  const add = (model: string, result: { auc: number; logLoss: number; epoch: number }, notes: string) => {
    report.rows.push({
      dataset: 'Criteo sample (dev)',
      model,
      metrics: { AUC: result.auc, 'log loss': result.logLoss },
      notes: `${notes}, epoch ${result.epoch} chosen on dev`,
      seconds: since(start),
    });
    log(`  ${model}: AUC ${result.auc.toFixed(4)}, log loss ${result.logLoss.toFixed(4)}`);
  };
  add('logistic regression', lr, 'hashed one-hot (2^18) + log numerics, Adagrad');
  start = performance.now();
  await activateBackend('wasm', undefined);
  const criteoOptions = { ...DEFAULT_CRITEO_OPTIONS, ...(options.quick ? { epochs: 2 } : {}) };
  const locus = await locusOnCriteo(train, dev, criteoOptions, (epoch, d) =>
    log(
      `  Locus epoch ${epoch}/${criteoOptions.epochs}: dev AUC ${d.auc.toFixed(4)}, log loss ${d.logLoss.toFixed(4)}`,
    ),
  );
  add('Locus CTR (DCN-V2)', locus, '26 hashed fields as id embeddings, 13 log numerics as context');
  report.settings.criteo = criteoOptions;
}

export async function runEvaluation(options: EvalOptions = {}): Promise<EvalReport> {
  const report: EvalReport = {
    rows: [],
    missing: [],
    settings: { quick: Boolean(options.quick), defaultShape: locusCtrShape(100) },
  };
  const datasets = options.datasets ?? ['movielens', 'criteo'];
  for (const dataset of datasets) {
    try {
      await (dataset === 'movielens' ? movieLensRows(options, report) : criteoRows(options, report));
    } catch (err) {
      if (!(err instanceof DatasetMissingError)) throw err;
      report.missing.push(err.message);
      options.log?.(`SKIPPED: ${err.message}`);
    }
  }
  return report;
}

const format = (value: number) =>
  Number.isFinite(value) ? value.toFixed(value < 10 ? 4 : 1) : String(value);

/** Markdown table: one row per model, one column per metric name. */
export function formatEvaluation(report: EvalReport): string {
  const metricNames = [...new Set(report.rows.flatMap((r) => Object.keys(r.metrics)))];
  const header = ['dataset', 'model', ...metricNames, 'seconds'];
  const body = report.rows.map((r) => [
    r.dataset,
    r.model,
    ...metricNames.map((m) => (r.metrics[m] === undefined ? '' : format(r.metrics[m]!))),
    r.seconds.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const notes = report.rows.filter((r) => r.notes).map((r) => `- ${r.model}: ${r.notes}`);
  return [
    '## Evaluation (test split for MovieLens; dev for Criteo)',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
    ...notes,
    ...report.missing.map((m) => `- missing data: ${m}`),
  ].join('\n');
}
