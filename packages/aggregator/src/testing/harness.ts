import { createChaCha20RandomSource } from '@locus/protocol';
import { type Logger, pino } from 'pino';
import { type Aggregator, createAggregator } from '../aggregator.js';
import { FakeClock } from '../rounds/clock.js';
import { DEFAULT_ROUND_SETTINGS, type RoundSettings } from '../rounds/settings.js';
import { SqliteStore } from '../store/index.js';
import { FlTestClient } from './fl-client.js';

/** Settings for tests: a small model, no noise, no rate limits, and the given overrides. */
export function testSettings(overrides: (settings: RoundSettings) => void = () => {}): RoundSettings {
  const settings = structuredClone(DEFAULT_ROUND_SETTINGS) as RoundSettings;
  settings.model.length = 64;
  settings.privacy.noiseMultiplier = 0;
  settings.http.addressLimit = null;
  settings.http.tokenLimit = null;
  overrides(settings);
  return settings;
}

export interface TestAggregator extends Aggregator {
  store: SqliteStore;
  clock: FakeClock;
  logs: Record<string, unknown>[];
  clients(count: number, firstSeed?: number): FlTestClient[];
  /** Moves the fake clock and lets the coordinator close what is due. */
  advance(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

/** An aggregator on an in-memory store with a fake clock and captured logs; clients use app.request. */
export async function testAggregator(settings = testSettings(), seed = 1): Promise<TestAggregator> {
  const store = SqliteStore.open(':memory:');
  const clock = new FakeClock();
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const aggregator = await createAggregator({
    store,
    settings,
    logger,
    clock,
    timers: false,
    random: createChaCha20RandomSource(new Uint8Array(32).fill(seed)),
  });
  const transport = async (path: string, init?: RequestInit) => aggregator.app.request(path, init);
  return {
    ...aggregator,
    store,
    clock,
    logs,
    clients: (count, firstSeed = 1000) =>
      Array.from({ length: count }, (_, k) => new FlTestClient(transport, firstSeed + k)),
    advance: async (ms) => {
      clock.advance(ms);
      await aggregator.coordinator.advance();
    },
    dispose: async () => {
      await aggregator.close();
      await store.close();
    },
  };
}

/** Every client checks in, the window closes, every client polls and must be accepted. */
export async function formCohort(aggregator: TestAggregator, clients: FlTestClient[]): Promise<void> {
  for (const client of clients) {
    const response = await client.checkIn();
    if (response.status === 'rejected') throw new Error(`check-in rejected: ${response.reason}`);
  }
  await aggregator.advance(aggregator.coordinator.nextDeadline()! - aggregator.clock.now());
  for (const client of clients) {
    const response = await client.checkIn();
    if (response.status !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(response)}`);
  }
}

/** Throws unless `res` is 204. */
export async function expectNoContent(res: Response): Promise<void> {
  if (res.status !== 204) throw new Error(`expected 204, got ${res.status}: ${await res.text()}`);
}
