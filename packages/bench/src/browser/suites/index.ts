import type { SuiteReport } from '../report.js';
import { browserEncoderSuite } from './browser-encoder.js';
import { browserRankSuite } from './browser-rank.js';
import { bundleSizesSuite } from './bundle-sizes.js';
import { pageWeightSuite } from './page-weight.js';
import { webVitalsSuite } from './web-vitals.js';

/** Options the CLI passes to every browser suite; each suite picks what it needs. */
export interface BrowserSuiteArgs {
  iterations?: number;
  warmup?: number;
  ads?: number;
}

/** The Chromium suites, by CLI name. Each builds or serves what it needs and closes the browser. */
export const BROWSER_SUITES: Record<string, (args: BrowserSuiteArgs) => Promise<SuiteReport>> = {
  'browser-encoder': (args) =>
    browserEncoderSuite({
      models: ['locus-glove-sif', 'locus-tiny-bert'],
      dtypes: ['fp32', 'q8', 'q4'],
      texts: args.ads ?? 1000,
      iterations: args.iterations ?? 10,
      webgpuTexts: 64,
      coldStarts: 3,
    }),
  'browser-rank': (args) =>
    browserRankSuite({
      backends: ['wasm', 'webgpu'],
      sizes: [100, 1000, 10_000],
      iterations: {
        wasm: [args.iterations ?? 30, args.iterations ?? 30, Math.min(args.iterations ?? 10, 10)],
        webgpu: [
          Math.min(args.iterations ?? 10, 10),
          Math.min(args.iterations ?? 10, 10),
          Math.min(args.iterations ?? 5, 5),
        ],
      },
      warmup: args.warmup ?? 2,
    }),
  'bundle-sizes': () => bundleSizesSuite(),
  'page-weight': (args) => pageWeightSuite({ runs: Math.min(args.iterations ?? 3, 10) }),
  'web-vitals': (args) => webVitalsSuite({ runs: Math.min(args.iterations ?? 5, 20) }),
};
