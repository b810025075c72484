// The aggregator both federation end-to-end tests run against (in this process, over real HTTP),
// and the 19 other devices that make up a cohort of 20 with the SDK under test.
import {
  createAggregator,
  createNativeKeyAgreement,
  DEFAULT_ROUND_SETTINGS,
  type RoundSettings,
  SqliteStore,
  startServer,
} from '@locus/aggregator';
import { initialLocusCtrModel } from '@locus/protocol';
import { type RoundReport, runFederatedRound } from '@locus/sdk/fl';
import { pino } from 'pino';

export const COHORT = 20;

export interface LocusAggregator {
  /** The server's origin (what a browser's requests to it start with). */
  origin: string;
  /** The federation API's base URL, as `aggregator.url` takes it. */
  url: string;
  close(): Promise<void>;
}

/**
 * An aggregator serving the Locus CTR model for `textDim` (its deterministic prior as version 0),
 * cohorts of exactly 20, every stage open `stageMs`, no rate limits, SQLite in memory.
 */
export async function startLocusAggregator(options: {
  textDim: number;
  noiseMultiplier: number;
  stageMs: number;
  corsOrigins?: string[];
}): Promise<LocusAggregator> {
  const settings = structuredClone(DEFAULT_ROUND_SETTINGS) as RoundSettings;
  const { layoutVersion, weights } = initialLocusCtrModel(options.textDim);
  settings.model = {
    id: 'locus-ctr',
    length: weights.length,
    layoutVersion,
    initialWeights: 'locus-prior',
    textDim: options.textDim,
  };
  settings.privacy.noiseMultiplier = options.noiseMultiplier;
  settings.cohort = { ...settings.cohort, minCohort: COHORT, maxCohort: COHORT, samplingRate: 1 };
  // Masked input includes local training: it gets twice as long.
  const ms = options.stageMs;
  settings.deadlines = { checkInMs: ms, shareKeysMs: ms, maskedInputMs: 2 * ms, unmaskMs: ms };
  settings.http.addressLimit = null;
  settings.http.tokenLimit = null;
  if (options.corsOrigins) settings.http.corsOrigins = options.corsOrigins;
  const store = SqliteStore.open(':memory:');
  const aggregator = await createAggregator({
    store,
    settings,
    logger: pino({ level: 'silent' }),
    keyAgreement: createNativeKeyAgreement,
  });
  const server = await startServer(aggregator.app, { port: 0, host: '127.0.0.1' });
  return {
    origin: server.url,
    url: `${server.url}/fl`,
    close: async () => {
      await server.close();
      await aggregator.close();
      await store.close();
    },
  };
}

/** The rest of the cohort: devices that upload a small fixed update each (`period` varies it). */
export function otherDevices(url: string, period: number): Promise<RoundReport>[] {
  return Array.from({ length: COHORT - 1 }, (_, device) =>
    runFederatedRound({
      url,
      modelId: 'locus-ctr',
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 200))),
      computeUpdate: async (model) =>
        Float32Array.from(model.weights, (_, i) => ((device + i) % period) * 1e-4),
    }),
  );
}
