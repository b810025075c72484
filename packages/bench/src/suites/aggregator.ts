import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createAggregator,
  createLogger,
  DEFAULT_ROUND_SETTINGS,
  FakeClock,
  type RoundSettings,
  SqliteStore,
} from '@locus/aggregator';
import {
  type CheckInAccepted,
  type ClientMaskedState,
  clientAdvertiseKeys,
  clientAnswerUnmask,
  clientMaskInput,
  clientShareKeys,
  cohortSetupOf,
  createChaCha20RandomSource,
  encodeMessage,
  PROTOCOL_VERSION,
  parseMessage,
  type RandomSource,
  randomUint32s,
} from '@locus/protocol';
import { median, type Row, summarize } from '../harness.js';

export interface AggregatorSuiteOptions {
  /** Cohort size (every client checks in; the cohort cap is set to it). */
  clients: number;
  /** Model parameters (uint32 words per masked update). */
  parameters: number;
  /** Fractions of the cohort that share keys and then never upload a masked input. */
  dropoutRates: number[];
  /** Timed rounds per dropout rate (interleaved). */
  repeats: number;
}

/**
 * Wall-clock and CPU time of one step. CPU time (the whole process: main thread and GC helpers) is
 * what the step cost the server; wall time also counts waiting for the two cores, which other
 * processes share, so CPU time is the figure to compare runs by.
 */
interface Cost {
  wallMs: number;
  cpuMs: number;
}

/**
 * The steps of a timed round. `closeInput` and `closeUnmask` are the server's compute: the
 * request (or deadline) that closes masked input (read the inputs back, sum, store the state) and
 * the last unmask answer, which closes unmask (reconstruct, unmask, noise, strategy, publication).
 * Each includes the one request that triggers it.
 */
const STEPS = ['ingest', 'closeInput', 'unmaskRequests', 'answers', 'closeUnmask'] as const;
type Step = (typeof STEPS)[number];

/** One timed round's measurements. */
interface RoundSample {
  steps: Record<Step, Cost>;
  survivors: number;
  /** Peak growth of the JS heap plus array buffers during the round, over the idle baseline. */
  peakHeapMb: number;
  /** Peak resident set of the whole process (it includes the recorded clients). */
  peakRssMb: number;
  /** Heap plus array buffers still held after the round and a GC. */
  retainedMb: number;
}

export interface ThroughputRow {
  dropouts: string;
  cohort: number;
  survivors: number;
  parameters: number;
  rounds: number;
  /** Medians over the rounds; per second figures are survivors over the median. */
  round: Cost;
  updatesPerSecond: number;
  updatesPerCpuSecond: number;
  stepCpuMs: Record<Step, number>;
  /** closeInput + closeUnmask: the server's compute without HTTP, validation or ingestion. */
  compute: Cost;
  computeUpdatesPerSecond: number;
  computeUpdatesPerCpuSecond: number;
  peakHeapMb: number;
  peakRssMb: number;
  retainedMb: number;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1024 * 1024;
const SERVER_SEED = new Uint8Array(32).fill(42);

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function timed(work: () => Promise<unknown>): Promise<Cost> {
  const wall = performance.now();
  const cpu = cpuNow();
  await work();
  return { wallMs: performance.now() - wall, cpuMs: cpuNow() - cpu };
}

/** What the clients send, recorded once and replayed against a fresh server every round. */
interface RecordedClient {
  checkIn: string;
  token: string;
  index: number;
  shareKeys: string;
  maskedInput: string;
  masked: ClientMaskedState;
}

function settingsFor(options: AggregatorSuiteOptions): RoundSettings {
  const settings = structuredClone(DEFAULT_ROUND_SETTINGS) as RoundSettings;
  settings.model.length = options.parameters;
  settings.cohort.maxCohort = options.clients;
  settings.cohort.minCohort = Math.min(20, options.clients);
  settings.privacy.noiseMultiplier = 1;
  settings.http.addressLimit = null;
  settings.http.tokenLimit = null;
  return settings;
}

/**
 * A fresh aggregator (a new SQLite file as in production: WAL, every accepted message committed
 * before the answer; the same seed; a fake clock): the same check-ins in the same order then produce
 * the same round id, tokens and cohort, so recorded client messages replay.
 */
async function freshAggregator(settings: RoundSettings) {
  const dir = mkdtempSync(join(tmpdir(), 'locus-bench-aggregator-'));
  const store = SqliteStore.open(join(dir, 'aggregator.sqlite'));
  const clock = new FakeClock();
  const aggregator = await createAggregator({
    store,
    settings,
    logger: createLogger('silent'),
    clock,
    timers: false,
    random: createChaCha20RandomSource(SERVER_SEED),
  });
  const post = (path: string, body: string, token?: string) =>
    aggregator.app.request(path, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  const get = (path: string, token: string) =>
    aggregator.app.request(path, { headers: { authorization: `Bearer ${token}` } });
  return {
    store,
    clock,
    aggregator,
    post,
    get,
    dispose: async () => {
      await aggregator.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function expectStatus(res: Response, status: number): Promise<string> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${text}`);
  return text;
}

/** Runs the client side once (untimed): check-in, share keys, masking with random updates. */
async function recordClients(settings: RoundSettings, count: number): Promise<RecordedClient[]> {
  const server = await freshAggregator(settings);
  const random: RandomSource = createChaCha20RandomSource(new Uint8Array(32).fill(7));
  const keys = Array.from({ length: count }, () => clientAdvertiseKeys(random));
  const checkIns = keys.map((k) =>
    encodeMessage('check-in-request', {
      protocolVersion: PROTOCOL_VERSION,
      modelId: 'locus-ctr',
      publicKeys: k.publicKeys,
    }),
  );
  const accepted: CheckInAccepted[] = [];
  for (const body of checkIns) {
    const answer = parseMessage(
      'check-in-response',
      await expectStatus(await server.post('/fl/v1/check-in', body), 200),
    );
    if (answer.status === 'rejected') throw new Error(`check-in rejected: ${answer.reason}`);
    accepted.push(answer as CheckInAccepted);
  }
  // The last admission filled the cohort and fixed it; poll everyone for the cohort.
  for (const [k, body] of checkIns.entries()) {
    const poll = JSON.stringify({ ...JSON.parse(body), token: accepted[k]!.token });
    const answer = parseMessage(
      'check-in-response',
      await expectStatus(await server.post('/fl/v1/check-in', poll), 200),
    );
    if (answer.status !== 'accepted') throw new Error('not accepted');
    accepted[k] = answer;
  }
  const roundId = accepted[0]!.roundId;
  const shared = keys.map((k, i) => clientShareKeys(k.state, cohortSetupOf(accepted[i]!), { random }));
  const envelope = (i: number) => ({
    protocolVersion: PROTOCOL_VERSION as typeof PROTOCOL_VERSION,
    roundId,
    token: accepted[i]!.token,
    clientIndex: accepted[i]!.clientIndex,
  });
  const shareBodies = shared.map((s, i) =>
    encodeMessage('share-keys-request', { ...envelope(i), shares: s.submission.shares }),
  );
  for (const [i, body] of shareBodies.entries()) {
    await expectStatus(
      await server.post(`/fl/v1/rounds/${roundId}/share-keys`, body, accepted[i]!.token),
      204,
    );
  }
  const recorded: RecordedClient[] = [];
  for (const [i, s] of shared.entries()) {
    const inbox = parseMessage(
      'routed-shares',
      await expectStatus(await server.get(`/fl/v1/rounds/${roundId}/shares`, accepted[i]!.token), 200),
    ).shares;
    // A random vector stands in for a quantized update: the server cannot tell them apart.
    const masked = clientMaskInput(s.state, inbox, randomUint32s(random, settings.model.length));
    recorded.push({
      checkIn: checkIns[i]!,
      token: accepted[i]!.token,
      index: accepted[i]!.clientIndex,
      shareKeys: shareBodies[i]!,
      maskedInput: encodeMessage('masked-input-request', {
        ...envelope(i),
        maskedInput: masked.submission.maskedInput,
      }),
      masked: masked.state,
    });
  }
  await server.dispose();
  return recorded;
}

/** One round against a fresh server; times masked-input ingestion, summing, unmasking and publishing. */
async function timedRound(
  settings: RoundSettings,
  clients: RecordedClient[],
  dropoutRate: number,
): Promise<RoundSample> {
  const server = await freshAggregator(settings);
  for (const client of clients) await expectStatus(await server.post('/fl/v1/check-in', client.checkIn), 200);
  const roundId = server.aggregator.coordinator.current.roundId;
  for (const client of clients) {
    await expectStatus(
      await server.post(`/fl/v1/rounds/${roundId}/share-keys`, client.shareKeys, client.token),
      204,
    );
  }
  const dropouts = Math.round(dropoutRate * clients.length);
  // Dropouts spread over the cohort: every (1/rate)-th client by position.
  const dropped = new Set(
    Array.from({ length: dropouts }, (_, k) => Math.floor((k * clients.length) / dropouts)),
  );
  const survivors = clients.filter((_, k) => !dropped.has(k));

  gc();
  const before = process.memoryUsage();
  let peakHeap = 0;
  let peakRss = 0;
  const sample = () => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers);
    peakRss = Math.max(peakRss, now.rss);
  };
  const post = async (path: string, body: string, token: string) =>
    expectStatus(await server.post(`/fl/v1/rounds/${roundId}/${path}`, body, token), 204);
  const steps = {} as Record<Step, Cost>;
  // With everyone uploading, the last upload closes the stage; otherwise its deadline does.
  const uploading = dropouts > 0 ? survivors : survivors.slice(0, -1);
  steps.ingest = await timed(async () => {
    for (const client of uploading) await post('masked-input', client.maskedInput, client.token);
  });
  sample();
  steps.closeInput = await timed(async () => {
    if (dropouts === 0) return post('masked-input', survivors.at(-1)!.maskedInput, survivors.at(-1)!.token);
    server.clock.advance(settings.deadlines.maskedInputMs);
    return server.aggregator.coordinator.advance();
  });
  sample();
  const requests: string[] = [];
  steps.unmaskRequests = await timed(async () => {
    for (const client of survivors) {
      requests.push(
        await expectStatus(await server.get(`/fl/v1/rounds/${roundId}/unmask`, client.token), 200),
      );
    }
  });
  sample();
  // Client work, not timed: each survivor reveals its shares.
  const answers = survivors.map((client, k) => {
    const { survivors: alive, dropouts: gone } = parseMessage('unmask-request', requests[k]!);
    const response = clientAnswerUnmask(client.masked, { survivors: alive, dropouts: gone }).response;
    return encodeMessage('unmask-response', {
      protocolVersion: PROTOCOL_VERSION,
      roundId,
      token: client.token,
      clientIndex: client.index,
      seedShares: response.seedShares,
      keyShares: response.keyShares,
    });
  });
  steps.answers = await timed(async () => {
    for (const [k, client] of survivors.slice(0, -1).entries())
      await post('unmask', answers[k]!, client.token);
  });
  sample();
  // The last answer closes the stage: unmasking, noise, strategy and publication run in its request.
  steps.closeUnmask = await timed(() => post('unmask', answers.at(-1)!, survivors.at(-1)!.token));
  sample();
  if (server.aggregator.coordinator.current.status !== 'completed')
    throw new Error('the round did not complete');
  gc();
  const retained = process.memoryUsage();
  await server.dispose();
  return {
    steps,
    survivors: survivors.length,
    peakHeapMb: peakHeap / MB,
    peakRssMb: peakRss / MB,
    retainedMb: (retained.heapUsed + retained.arrayBuffers - before.heapUsed - before.arrayBuffers) / MB,
  };
}

/**
 * Server aggregation throughput: masked updates per second through the HTTP handlers (body limit,
 * auth, wire validation, stage checks, SQLite), the sum, the unmasking (native X25519) and the
 * publication (noise, FedAvg, ledger), for a cohort of N with and without dropouts after sharing
 * keys; and the memory one round takes. Also the server's compute alone (the work done when
 * masked input and unmask close: sum, unmask, noise, strategy, publication), the figure that
 * excludes HTTP, per-message validation and per-message storage. Every step is timed in wall-clock
 * and in CPU time: on a shared machine only the latter compares runs fairly.
 */
export async function aggregatorSuite(
  options: AggregatorSuiteOptions,
): Promise<{ rows: Row[]; throughput: ThroughputRow[]; checks: string[] }> {
  const settings = settingsFor(options);
  const started = performance.now();
  const clients = await recordClients(settings, options.clients);
  const checks = [
    `client side of ${options.clients} clients recorded once in ${((performance.now() - started) / 1000).toFixed(1)} s (not timed)`,
  ];
  const samples = new Map<number, RoundSample[]>(options.dropoutRates.map((rate) => [rate, []]));
  // Warm-up, one round per rate: the timed rounds then run JIT-compiled code, as a server does
  // after its first rounds (compilation runs on helper threads and would count as CPU time).
  for (const rate of options.dropoutRates) await timedRound(settings, clients, rate);
  for (let r = 0; r < options.repeats; r++) {
    for (const rate of options.dropoutRates)
      samples.get(rate)!.push(await timedRound(settings, clients, rate));
  }
  const rows: Row[] = [];
  const throughput: ThroughputRow[] = [];
  const total = (sample: RoundSample, steps: readonly Step[], key: keyof Cost) =>
    steps.reduce((sum, step) => sum + sample.steps[step][key], 0);
  const perSecond = (survivors: number, ms: number) => Math.round((survivors / ms) * 1000);
  for (const [rate, list] of samples) {
    const label = `${Math.round(rate * 100)}% dropouts`;
    const survivors = list[0]!.survivors;
    const medianOf = (steps: readonly Step[]): Cost => ({
      wallMs: median(list.map((sample) => total(sample, steps, 'wallMs'))),
      cpuMs: median(list.map((sample) => total(sample, steps, 'cpuMs'))),
    });
    const round = medianOf(STEPS);
    const compute = medianOf(['closeInput', 'closeUnmask']);
    rows.push(
      summarize({
        name: `round of ${options.clients} × ${options.parameters} params, ${label}`,
        backend: 'HTTP handlers (Node)',
        times: list.map((sample) => total(sample, STEPS, 'wallMs')),
      }),
    );
    throughput.push({
      dropouts: label,
      cohort: options.clients,
      survivors,
      parameters: options.parameters,
      rounds: list.length,
      round,
      updatesPerSecond: perSecond(survivors, round.wallMs),
      updatesPerCpuSecond: perSecond(survivors, round.cpuMs),
      stepCpuMs: Object.fromEntries(STEPS.map((step) => [step, medianOf([step]).cpuMs])) as Record<
        Step,
        number
      >,
      compute,
      computeUpdatesPerSecond: perSecond(survivors, compute.wallMs),
      computeUpdatesPerCpuSecond: perSecond(survivors, compute.cpuMs),
      peakHeapMb: Math.max(...list.map((sample) => sample.peakHeapMb)),
      peakRssMb: Math.max(...list.map((sample) => sample.peakRssMb)),
      retainedMb: median(list.map((sample) => sample.retainedMb)),
    });
  }
  const verdict = (wall: number, cpu: number) =>
    `${wall.toLocaleString('en')}/s wall, ${cpu.toLocaleString('en')}/CPU-s (${cpu >= 2000 ? 'met' : 'not met'} per CPU-second)`;
  for (const row of throughput) {
    checks.push(
      `target ≥ 2,000 masked updates/s, ${row.dropouts}: end to end through the HTTP handlers ` +
        `${verdict(row.updatesPerSecond, row.updatesPerCpuSecond)}; server compute only (sum + unmask + ` +
        `publish) ${verdict(row.computeUpdatesPerSecond, row.computeUpdatesPerCpuSecond)}`,
    );
  }
  return { rows, throughput, checks };
}

export function formatThroughputTable(rows: ThroughputRow[]): string {
  const columns: [string, (r: ThroughputRow) => string][] = [
    ['dropouts', (r) => r.dropouts],
    ['survivors', (r) => `${r.survivors}/${r.cohort}`],
    ['params', (r) => r.parameters.toLocaleString('en')],
    ['rounds', (r) => String(r.rounds)],
    ['round ms wall', (r) => r.round.wallMs.toFixed(0)],
    ['round ms CPU', (r) => r.round.cpuMs.toFixed(0)],
    ['updates/s wall', (r) => r.updatesPerSecond.toLocaleString('en')],
    ['updates/CPU-s', (r) => r.updatesPerCpuSecond.toLocaleString('en')],
    ...STEPS.map((step): [string, (r: ThroughputRow) => string] => [
      `${step} CPU ms`,
      (r) => r.stepCpuMs[step].toFixed(1),
    ]),
    ['compute ms CPU', (r) => r.compute.cpuMs.toFixed(1)],
    ['compute updates/CPU-s', (r) => r.computeUpdatesPerCpuSecond.toLocaleString('en')],
    ['compute updates/s wall', (r) => r.computeUpdatesPerSecond.toLocaleString('en')],
    ['peak heap MB', (r) => r.peakHeapMb.toFixed(1)],
    ['process RSS MB', (r) => r.peakRssMb.toFixed(1)],
    ['retained MB', (r) => r.retainedMb.toFixed(1)],
  ];
  const body = rows.map((r) => columns.map(([, cell]) => cell(r)));
  const widths = columns.map(([h], i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    '## Aggregation throughput (server, Node)',
    line(columns.map(([h]) => h)),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}
