import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The aggregator's Prometheus metrics, on a registry of its own (two apps in one process, as in
 * tests, do not share counters). Label values are bounded sets (stages, outcomes, error codes,
 * route patterns), never round ids or addresses.
 */
export class AggregatorMetrics {
  readonly registry = new Registry();

  readonly rounds = new Counter({
    name: 'locus_rounds_total',
    help: 'Rounds that ended, by outcome (completed, failed, abandoned).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly roundDuration = new Histogram({
    name: 'locus_round_duration_seconds',
    help: 'From the first admitted check-in to the end of the round, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });

  readonly stageDuration = new Histogram({
    name: 'locus_stage_duration_seconds',
    help: 'How long each stage stayed open.',
    labelNames: ['stage'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });

  readonly stageCloseDuration = new Histogram({
    name: 'locus_stage_close_seconds',
    help: 'Server computation when a stage closes (routing shares, summing, unmasking and publishing).',
    labelNames: ['stage'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });

  readonly cohortSize = new Histogram({
    name: 'locus_cohort_size',
    help: 'Clients admitted to a round when its check-in closed.',
    buckets: [2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [this.registry],
  });

  readonly dropouts = new Counter({
    name: 'locus_dropouts_total',
    help: 'Cohort members that missed a stage, by the stage they missed.',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  readonly checkIns = new Counter({
    name: 'locus_check_ins_total',
    help: 'Check-in decisions: admitted, not-sampled, round-full, round-in-progress.',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });

  readonly rejects = new Counter({
    name: 'locus_rejects_total',
    help: 'Requests refused, by error code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly requests = new Counter({
    name: 'locus_http_requests_total',
    help: 'HTTP requests by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'locus_http_request_duration_seconds',
    help: 'HTTP request handling time by route pattern.',
    labelNames: ['route'] as const,
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly modelVersion = new Gauge({
    name: 'locus_model_version',
    help: 'Current published version of the global model.',
    registers: [this.registry],
  });

  readonly cumulativeEpsilon = new Gauge({
    name: 'locus_privacy_epsilon_cumulative',
    help: 'Cumulative epsilon of the privacy ledger at its delta (+Inf once a round ran without noise).',
    registers: [this.registry],
  });

  /** With `processMetrics`, also Node's default process metrics (CPU, memory, event-loop lag). */
  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
