import { syntheticCatalog } from '../ads.js';
import { formatEvaluation, runEvaluation } from '../eval/run.js';
import type { Row } from '../harness.js';
import { simulationSuite } from '../sim/suite.js';
import { aggregatorSuite, formatThroughputTable } from './aggregator.js';
import { encoderSuite } from './encoder.js';
import { profileSuite } from './profile.js';
import { profileChromiumSuite } from './profile-chromium.js';
import { bareEmbeddings, PAGE, rankSuite } from './rank.js';
import { rankModelSuite } from './rank-model.js';

export interface SuiteArgs {
  iterations: number;
  warmup: number;
  ads: number;
  sizes: number[];
  quick: boolean;
  datasets: ('movielens' | 'criteo')[];
}

/** What a suite prints and writes: tables (or rows for one), checks, and whether it failed. */
export interface SuiteResult {
  title: string;
  rows?: Row[];
  /** Pre-formatted tables, printed as they are. */
  tables?: string[];
  checks: string[];
  failed?: boolean;
  [extra: string]: unknown;
}

export type Suite = (args: SuiteArgs) => Promise<SuiteResult>;

/** The Node suites by name. Chromium suites live in ../browser/suites. */
export const NODE_SUITES: Record<string, Suite> = {
  aggregator: async (args) => {
    const { rows, throughput, checks } = await aggregatorSuite({
      clients: 100,
      parameters: 10_000,
      dropoutRates: [0, 0.3],
      repeats: Math.min(args.iterations, 5),
    });
    return {
      title: 'Aggregation rounds through the HTTP handlers (Node)',
      rows,
      tables: [formatThroughputTable(throughput)],
      checks,
      throughput,
    };
  },
  encoder: async (args) => {
    const { rows, checks } = await encoderSuite({
      models: ['locus-glove-sif', 'locus-tiny-bert'],
      dtypes: ['fp32', 'q8', 'q4'],
      texts: args.ads,
      iterations: Math.min(args.iterations, 10),
    });
    return { title: 'Text encoders (Node)', rows, checks };
  },
  rank: async (args) => {
    const catalog = syntheticCatalog(Math.max(...args.sizes));
    const page = await bareEmbeddings([PAGE]);
    const embeddings = await bareEmbeddings(catalog.map((ad) => ad.text));
    const model = await rankModelSuite({
      sizes: args.sizes,
      backends: ['wasm', 'cpu'],
      iterations: args.iterations,
      warmup: args.warmup,
      embeddings: { vectors: embeddings, dim: embeddings.length / catalog.length },
      interests: [page, page],
    });
    const endToEnd = await rankSuite({
      ads: args.ads,
      backends: ['wasm', 'cpu'],
      iterations: args.iterations,
      warmup: args.warmup,
    });
    return {
      title: 'CTR model serving path vs bare tfjs predict; locus.rank() end to end (Node)',
      rows: [...model.rows, ...endToEnd.rows],
      checks: [...model.checks, ...endToEnd.checks],
    };
  },
  profile: async (args) => ({
    title: 'profile: track(), observePage(), storage (Node)',
    ...(await profileSuite({ iterations: args.iterations, warmup: args.warmup })),
  }),
  'profile-chromium': async (args) => ({
    title: 'profile: track(), observePage(), storage (headless Chromium)',
    ...(await profileChromiumSuite({ iterations: args.iterations, warmup: args.warmup })),
  }),
  eval: async (args) => {
    console.error('(eval: progress on stderr; reads LOCUS_DATA_DIR or ../shared/data)');
    const report = await runEvaluation({
      quick: args.quick,
      datasets: args.datasets,
      log: (m) => console.error(m),
    });
    return {
      title: 'Evaluation: MovieLens-100K and Criteo',
      tables: [formatEvaluation(report)],
      checks: report.missing.map((m: unknown) => `missing data: ${String(m)}`),
      failed: report.missing.length > 0,
      evaluation: report,
    };
  },
  simulation: async (args) => {
    console.error(
      '(simulation: progress on stderr; reads LOCUS_DATA_DIR or ../shared/data; --quick for a smoke run)',
    );
    return simulationSuite({ quick: args.quick, log: (m) => console.error(m) });
  },
};

/** Run when no suite is named: quick, no data and no browser needed. */
export const DEFAULT_SUITES = ['rank'];
