import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAggregator,
  createLogger,
  createNativeKeyAgreement,
  DEFAULT_ROUND_SETTINGS,
  FakeClock,
  type RoundSettings,
  SqliteStore,
} from '@locus/aggregator';
import {
  CTR_LAYOUT_VERSION,
  CTR_MODEL_ID,
  clipToL2Norm,
  createChaCha20RandomSource,
  LIMITS,
  parseMessage,
} from '@locus/protocol';
import { type RoundReport, runFederatedRound } from '@locus/sdk/fl';
import { SimulationError } from './errors.js';
import type { Federation } from './federation.js';
import { quantizationStep } from './protocol-round.js';

export interface AggregatorRoundInput {
  federation: Federation;
  globalWeights: Float32Array;
  samplingRate: number;
  minCohort: number;
  maxCohort: number;
  clippingBound: number;
  noiseMultiplier: number;
  delta: number;
  dropoutRate: number;
  /** Picks the dropouts and drives local training (shuffles, negatives). */
  random: () => number;
  /** Seeds the aggregator's randomness (sampling, tokens, noise). */
  seed: number;
}

/** How the aggregator's result compares with the protocol's arithmetic on the same updates. */
export interface AggregateCheck {
  kind: 'exact' | 'noise';
  /** exact: max |published − (w + mean of clipped updates)|; noise: measured σ of the residual sum / C. */
  measured: number;
  /** exact: one quantization step + float32 rounding; noise: the configured σ. */
  expected: number;
  ok: boolean;
}

export interface AggregatorRoundOutput {
  outcome: 'completed' | 'abandoned' | 'failed';
  /** The model the aggregator published (w + noisy mean: FedAvg, η = 1), when completed. */
  published: Float32Array | null;
  /** Its version in the aggregator's store (which starts at version 0). */
  publishedVersion: number | null;
  cohort: number;
  contributors: number;
  dropouts: number;
  /** Bytes each contributing client uploaded (check-in, share keys, masked input, unmask answer). */
  bytesPerContributor: number[];
  /** Bytes a client that was not sampled uploaded (its check-in). */
  bytesPerUnsampled: number;
  roundEpsilon: number | null;
  cumulativeEpsilon: number | null;
  check: AggregateCheck | null;
  losses: number[];
  norms: number[];
  /** Peak growth of heap + array buffers during the round (clients and server share the process). */
  peakMemoryMb: number;
  seconds: number;
}

/** Thrown by a device's training callback to leave the round after sharing keys. */
class ClientDropout extends Error {
  override readonly name = 'ClientDropout';
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function settingsFor(input: AggregatorRoundInput, weightsFile: string): RoundSettings {
  const settings = structuredClone(DEFAULT_ROUND_SETTINGS) as RoundSettings;
  settings.model = {
    id: CTR_MODEL_ID,
    length: input.globalWeights.length,
    layoutVersion: CTR_LAYOUT_VERSION,
    initialWeights: weightsFile,
  };
  settings.cohort = {
    samplingRate: input.samplingRate,
    maxCohort: input.maxCohort,
    minCohort: input.minCohort,
    // The complete graph: a third of the cohort may drop out and the sum is still exact.
    neighbourCount: LIMITS.maxCohortSize,
  };
  settings.privacy = {
    clippingBound: input.clippingBound,
    noiseMultiplier: input.noiseMultiplier,
    delta: input.delta,
    target: null,
  };
  // The aggregator publishes w + noisy mean; the simulation applies its own server optimizer to
  // that mean, because a fresh aggregator per round cannot carry FedAdam's moments over.
  settings.strategy = { name: 'fedavg', serverLearningRate: 1 };
  settings.http.addressLimit = null;
  settings.http.tokenLimit = null;
  return settings;
}

/**
 * One round through the real aggregator (`createAggregator`, SQLite in memory, a fake clock the
 * driver moves when a stage must wait for its deadline) with every client running the SDK's
 * `runFederatedRound` over `app.request`: all clients check in, the aggregator samples them
 * (Poisson, q), the sampled ones download the model, share keys, train locally, clip, quantize,
 * mask and upload, and answer the unmasking. Dropouts leave after sharing keys, so the server
 * must remove their masks from the others' inputs.
 */
export async function aggregatorRound(input: AggregatorRoundInput): Promise<AggregatorRoundOutput> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'locus-sim-'));
  const weightsFile = join(dir, 'weights.f32');
  const { globalWeights, federation } = input;
  writeFileSync(
    weightsFile,
    new Uint8Array(globalWeights.buffer, globalWeights.byteOffset, globalWeights.byteLength),
  );
  const store = SqliteStore.open(':memory:');
  const clock = new FakeClock();
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, input.seed);
  const aggregator = await createAggregator({
    store,
    settings: settingsFor(input, weightsFile),
    logger: createLogger('silent'),
    clock,
    timers: false,
    random: createChaCha20RandomSource(seed),
    keyAgreement: createNativeKeyAgreement,
  });
  const { coordinator } = aggregator;
  const baseline = process.memoryUsage();
  let peakMemory = 0;
  const sampleMemory = () => {
    const now = process.memoryUsage();
    peakMemory = Math.max(
      peakMemory,
      now.heapUsed + now.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers,
    );
  };

  const checkedIn = new Set<number>();
  const members = new Set<number>();
  const uploaded = new Set<number>();
  const updates = new Map<number, Float32Array>();
  const losses: number[] = [];
  let dropouts: Set<number> | undefined;
  // One device model trains at a time: serialize the clients' training callbacks.
  let trainingQueue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = trainingQueue.then(work);
    trainingQueue = run.catch(() => {});
    return run;
  };

  const runClient = (client: number): Promise<RoundReport> =>
    runFederatedRound({
      url: '/fl',
      modelId: CTR_MODEL_ID,
      fetch: async (url, init) => {
        const response = await aggregator.app.request(url, init);
        if (url.endsWith('/check-in')) checkedIn.add(client);
        return response;
      },
      sleep: (ms) => realSleep(Math.min(ms, 10)),
      checkInTimeoutMs: 3_600_000,
      onStage: (stage) => {
        if (stage === 'share-keys') members.add(client);
        if (stage === 'unmask') uploaded.add(client);
      },
      computeUpdate: (model) =>
        serialized(async () => {
          // Everyone in the cohort has shared keys by now (shares are routed only then).
          dropouts ??= chooseDropouts([...members], input.dropoutRate, input.random);
          if (dropouts.has(client)) throw new ClientDropout(`client ${client} leaves after sharing keys`);
          const { update, loss } = await federation.localUpdate(client, model.weights, input.random);
          updates.set(client, update);
          losses.push(loss);
          sampleMemory();
          return update;
        }),
    });

  const runs = Array.from({ length: federation.clientCount }, (_, client) => runClient(client));
  let settled = false;
  const results = Promise.allSettled(runs).finally(() => {
    settled = true;
  });
  const moveClockTo = async (deadline: number | null) => {
    if (deadline === null) return;
    clock.advance(Math.max(0, deadline - clock.now()));
    await coordinator.advance();
  };
  while (!settled) {
    await realSleep(5);
    sampleMemory();
    const round = coordinator.current;
    // The check-in window ends once every client had its say (a real window ends by time).
    if (round.status === 'check-in' && checkedIn.size === federation.clientCount) {
      await moveClockTo(coordinator.nextDeadline());
    }
    // Dropouts never upload: the stage would wait for its deadline.
    if (round.status === 'masked-input' && dropouts && uploaded.size === members.size - dropouts.size) {
      await moveClockTo(coordinator.nextDeadline());
    }
  }
  const reports = await results;
  for (const report of reports) {
    if (report.status === 'rejected' && !(report.reason instanceof ClientDropout)) throw report.reason;
  }
  const completed = reports.flatMap((r) =>
    r.status === 'fulfilled' && r.value.status === 'completed' ? [r.value] : [],
  );
  const unsampled = reports.flatMap((r) =>
    r.status === 'fulfilled' && r.value.status === 'not-selected' ? [r.value.bytesUploaded] : [],
  );
  const model = parseMessage('model-download', await (await aggregator.app.request('/fl/v1/model')).text());
  const ledger = parseMessage('privacy-ledger', await (await aggregator.app.request('/fl/v1/ledger')).text());
  const rounds = (await (await aggregator.app.request('/fl/v1/rounds?limit=20')).json()) as {
    rounds: { sequence: number; status: string }[];
  };
  const status = rounds.rounds.find((r) => r.sequence === 1)?.status;
  await aggregator.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const published = model.model.version === 1 ? Float32Array.from(model.weights) : null;
  const outcome = published ? 'completed' : status === 'failed' ? 'failed' : 'abandoned';
  const survivorUpdates = [...updates.values()];
  if (published && survivorUpdates.length !== completed.length) {
    throw new SimulationError(
      'inconsistent-round',
      `${survivorUpdates.length} clients trained but ${completed.length} completed the round`,
    );
  }
  const entry = ledger.entries.at(-1);
  return {
    outcome,
    published,
    publishedVersion: published ? model.model.version : null,
    cohort: members.size,
    contributors: completed.length,
    dropouts: dropouts?.size ?? 0,
    bytesPerContributor: completed.map((r) => r.bytesUploaded),
    bytesPerUnsampled: unsampled.length > 0 ? unsampled.reduce((a, b) => a + b, 0) / unsampled.length : 0,
    roundEpsilon: entry?.roundEpsilon ?? null,
    cumulativeEpsilon: entry?.cumulativeEpsilon ?? null,
    check: published
      ? checkAggregate(
          globalWeights,
          published,
          survivorUpdates,
          input.clippingBound,
          input.noiseMultiplier,
          members.size,
        )
      : null,
    losses,
    norms: survivorUpdates.map((u) => clipToL2Norm(u, input.clippingBound).norm),
    peakMemoryMb: peakMemory / 2 ** 20,
    seconds: (performance.now() - started) / 1000,
  };
}

/** `Math.floor(rate × members)` members chosen at random (at most a third: the protocol's limit). */
function chooseDropouts(members: number[], rate: number, random: () => number): Set<number> {
  const count = Math.min(Math.floor(rate * members.length), Math.floor(members.length / 3));
  const pool = [...members];
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return chosen;
}

/**
 * The exact-aggregate property against the protocol's arithmetic: without noise the published
 * weights must equal w + the mean of the survivors' clipped updates to within one quantization
 * step plus float32 rounding; with noise, the residual (times the contributors, over C) must be
 * Gaussian noise of standard deviation σ.
 */
export function checkAggregate(
  global: Float32Array,
  published: Float32Array,
  survivorUpdates: readonly Float32Array[],
  clippingBound: number,
  noiseMultiplier: number,
  cohortSize: number,
): AggregateCheck {
  const n = survivorUpdates.length;
  const mean = new Float64Array(global.length);
  for (const update of survivorUpdates) {
    const clipped = clipToL2Norm(update, clippingBound).values;
    for (let i = 0; i < mean.length; i++) mean[i]! += clipped[i]! / n;
  }
  const step = quantizationStep(clippingBound, cohortSize);
  if (noiseMultiplier === 0) {
    // The worst coordinate relative to its own tolerance.
    let worst = { ratio: 0, deviation: 0, tolerance: step };
    for (let i = 0; i < mean.length; i++) {
      const expected = global[i]! + mean[i]!;
      const deviation = Math.abs(published[i]! - expected);
      const tolerance = step + Math.abs(expected) * 2 ** -23;
      if (deviation / tolerance > worst.ratio) worst = { ratio: deviation / tolerance, deviation, tolerance };
    }
    return { kind: 'exact', measured: worst.deviation, expected: worst.tolerance, ok: worst.ratio <= 1 };
  }
  let squares = 0;
  for (let i = 0; i < mean.length; i++) {
    const residualSum = (published[i]! - global[i]! - mean[i]!) * n;
    squares += residualSum * residualSum;
  }
  const sigma = Math.sqrt(squares / mean.length) / clippingBound;
  // The estimate's relative standard error is 1/√(2d): 0.2% at 100k parameters.
  const ok = Math.abs(sigma / noiseMultiplier - 1) < 0.02 + 5 / Math.sqrt(2 * mean.length);
  return { kind: 'noise', measured: sigma, expected: noiseMultiplier, ok };
}
