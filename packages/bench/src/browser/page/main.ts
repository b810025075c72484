// The bench page: the Node runner calls these through page.evaluate. Each suite's code loads
// only when called, so the rank suite never downloads transformers.js and vice versa.
import type { EncoderBenchOptions, RankBenchOptions } from './protocol.js';

const bench = {
  encoder: async (options: EncoderBenchOptions) =>
    (await import('./encoder-bench.js')).runEncoderBench(options),
  rank: async (options: RankBenchOptions) => (await import('./rank-bench.js')).runRankBench(options),
};

export type BenchApi = typeof bench;
(window as unknown as { bench: BenchApi }).bench = bench;
