import type { KeyAgreement, MaskKeystream, RandomSource } from '@locus/protocol';
import type { Logger } from 'pino';
import { type App, createApp } from './app.js';
import { AggregatorMetrics } from './metrics.js';
import { prepareModel } from './model-bootstrap.js';
import type { Clock } from './rounds/clock.js';
import { RoundCoordinator } from './rounds/coordinator.js';
import type { RoundSettings } from './rounds/settings.js';
import type { Store } from './store/index.js';

export interface AggregatorOptions {
  store: Store;
  settings: RoundSettings;
  logger: Logger;
  clock?: Clock;
  random?: RandomSource;
  keyAgreement?: () => KeyAgreement;
  /** Default: node:crypto's ChaCha20. */
  maskKeystream?: MaskKeystream;
  /** Close stages on time with real timers (default true; tests that move a fake clock pass false). */
  timers?: boolean;
  /** Also export Node's process metrics (the CLI does; tests need not). */
  processMetrics?: boolean;
}

export interface Aggregator {
  app: App;
  coordinator: RoundCoordinator;
  metrics: AggregatorMetrics;
  /** Stops the round timers; the store stays open (its owner closes it). */
  close(): Promise<void>;
}

/** Prepares the model, resumes or opens a round, and builds the HTTP app around them. */
export async function createAggregator(options: AggregatorOptions): Promise<Aggregator> {
  const { store, settings, logger } = options;
  const metrics = new AggregatorMetrics({ processMetrics: options.processMetrics ?? false });
  await prepareModel(store, settings, logger);
  const coordinator = await RoundCoordinator.start({
    store,
    settings,
    logger,
    metrics,
    timers: options.timers ?? true,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.keyAgreement ? { keyAgreement: options.keyAgreement } : {}),
    ...(options.maskKeystream ? { maskKeystream: options.maskKeystream } : {}),
  });
  const app = createApp({ store, logger, metrics, federation: { coordinator, settings } });
  return { app, coordinator, metrics, close: () => coordinator.close() };
}
