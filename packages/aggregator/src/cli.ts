#!/usr/bin/env node
import { PROTOCOL_VERSION } from '@locus/protocol';
import type { Logger } from 'pino';
import { type Aggregator, createAggregator } from './aggregator.js';
import { type AggregatorConfig, ConfigError, loadConfig, USAGE } from './config.js';
import { createLogger } from './logger.js';
import { type RunningServer, startServer } from './server.js';
import { SqliteStore, StoreError } from './store/index.js';

/** Exit code for anything that stops the server from starting: bad flags, env, database, port. */
const EXIT_STARTUP = 2;
const EXIT_CRASH = 1;

/** Thrown to end startup with a one-line message on stderr and {@link EXIT_STARTUP}. */
class StartupError extends Error {}

async function main(argv: readonly string[]): Promise<void> {
  const request = loadConfig(argv, process.env);
  if (request.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const { config } = request;
  const logger = createLogger(config.logLevel);
  const store = SqliteStore.open(config.dbPath);
  let aggregator: Aggregator;
  try {
    aggregator = await createAggregator({ store, settings: config.rounds, logger, processMetrics: true });
  } catch (error) {
    await store.close();
    throw error;
  }
  let server: RunningServer;
  try {
    server = await startServer(aggregator.app, config);
  } catch (error) {
    await aggregator.close();
    await store.close();
    throw new StartupError(`cannot listen on ${config.host}:${config.port}: ${listenReason(error)}`);
  }
  const model = await store.currentModel();
  const { rounds } = config;
  logger.info(
    {
      url: server.url,
      db: config.dbPath,
      protocolVersion: PROTOCOL_VERSION,
      model: model.version,
      modelLength: rounds.model.length,
      layoutVersion: rounds.model.layoutVersion,
      samplingRate: rounds.cohort.samplingRate,
      cohort: {
        min: rounds.cohort.minCohort,
        max: rounds.cohort.maxCohort,
        neighbourCount: rounds.cohort.neighbourCount,
      },
      privacy: rounds.privacy,
      strategy: rounds.strategy,
      deadlines: rounds.deadlines,
      round: aggregator.coordinator.current.roundId,
    },
    `listening on ${server.url}`,
  );
  handleSignals(server, aggregator, store, logger, config);
}

/** First SIGINT/SIGTERM: close the server (in-flight requests finish), then the database. Second: exit now. */
function handleSignals(
  server: RunningServer,
  aggregator: Aggregator,
  store: SqliteStore,
  logger: Logger,
  config: AggregatorConfig,
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(EXIT_CRASH);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server
      .close()
      .then(() => aggregator.close())
      .then(() => store.close())
      .then(() => logger.info({ db: config.dbPath }, 'stopped'))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exitCode = EXIT_CRASH;
      })
      .finally(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function listenReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  const known: Record<string, string> = {
    EADDRINUSE: 'address already in use',
    EACCES: 'permission denied',
    EADDRNOTAVAIL: 'address not available on this machine',
    ENOTFOUND: 'unknown host',
  };
  if (code && known[code]) return `${known[code]} (${code})`;
  return code ?? (error instanceof Error ? error.message : String(error));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const expected =
    error instanceof ConfigError || error instanceof StoreError || error instanceof StartupError;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`locus-aggregator: ${expected ? message : `unexpected error: ${message}`}\n`);
  if (!expected && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = expected ? EXIT_STARTUP : EXIT_CRASH;
});
