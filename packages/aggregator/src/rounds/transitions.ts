import {
  finishRound,
  type Hkdf,
  isProtocolError,
  type KeyAgreement,
  type MaskKeystream,
  type ModelInfo,
  type RandomSource,
  randomBytes,
  type Strategy,
  serializeState,
  serverCollectKeys,
  serverRouteShares,
  serverSumMaskedInputs,
  serverUnmask,
} from '@locus/protocol';
import type { Logger } from 'pino';
import type { AggregatorMetrics } from '../metrics.js';
import type { RoundRecord, RoundStatus, Store } from '../store/index.js';
import type { Clock } from './clock.js';
import {
  decodeAll,
  decodeMaskedInput,
  decodeShareSubmission,
  decodeUnmaskResponse,
  encodeRoutedShares,
} from './codecs.js';
import { OpenRound } from './open-round.js';
import { decodeLedgerState, encodeLedgerState, recordPublishedRound } from './privacy.js';
import type { RoundSettings } from './settings.js';

/** What the stage transitions need; built once by the coordinator. */
export interface RoundContext {
  store: Store;
  settings: RoundSettings;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  metrics: AggregatorMetrics;
  strategy: Strategy<unknown>;
  /** A fresh key agreement per unmasking (its key cache lives as long as one call). */
  keyAgreement: () => KeyAgreement;
  /** The ChaCha20 keystream of every mask expansion (node:crypto's unless a test injects one). */
  maskKeystream: MaskKeystream;
  /** The HKDF of every mask key (node:crypto's). */
  hkdf: Hkdf;
}

/** Protocol refusals that end a round (too few clients or shares left), as opposed to bugs. */
const ROUND_ENDING = new Set(['too-few-clients', 'too-few-shares', 'reconstruction-failed']);

/** Opens the next round against the current model. Its check-in window starts with its first admission. */
export async function openNextRound(ctx: RoundContext): Promise<OpenRound> {
  const { store, settings, clock } = ctx;
  const sequence = (await store.lastRoundSequence()) + 1;
  const model = await store.currentModel();
  const suffix = Buffer.from(randomBytes(ctx.random, 4)).toString('hex');
  const record: RoundRecord = {
    roundId: `round-${sequence}-${suffix}`,
    sequence,
    status: 'check-in',
    modelVersion: model.version,
    parameters: {
      vectorLength: settings.model.length,
      layoutVersion: model.layoutVersion,
      samplingRate: settings.cohort.samplingRate,
      maxCohort: settings.cohort.maxCohort,
      minCohort: settings.cohort.minCohort,
      neighbourCount: settings.cohort.neighbourCount,
      clippingBound: settings.privacy.clippingBound,
      noiseMultiplier: settings.privacy.noiseMultiplier,
      delta: settings.privacy.delta,
    },
    deadlines: { checkIn: null, shareKeys: null, maskedInput: null, unmask: null },
    times: {
      openedAt: clock.now(),
      firstCheckInAt: null,
      cohortFixedAt: null,
      sharesRoutedAt: null,
      inputsSummedAt: null,
      finishedAt: null,
    },
    counts: { cohort: 0, shared: 0, survivors: 0, responders: 0 },
    stageState: null,
    unmaskRequest: null,
    outcome: null,
    publishedVersion: null,
  };
  await store.createRound(record);
  ctx.logger.info({ round: record.roundId, modelVersion: model.version }, 'round opened');
  return new OpenRound(record, modelInfoOf(model));
}

export function modelInfoOf(model: {
  modelId: string;
  version: number;
  layoutVersion: number;
  createdAt: string;
}): ModelInfo {
  return {
    modelId: model.modelId,
    version: model.version,
    layoutVersion: model.layoutVersion,
    updatedAt: model.createdAt,
  };
}

/** Check-in closes: fix the cohort (indexes 1..n in admission order) or abandon the round. */
export async function closeCheckIn(ctx: RoundContext, round: OpenRound): Promise<void> {
  const { settings, clock } = ctx;
  const record = round.record;
  const members = [...round.membersByIndex.values()].sort((a, b) => a.clientIndex - b.clientIndex);
  if (members.length < record.parameters.minCohort) {
    return endRound(ctx, round, 'abandoned', {
      code: 'too-few-clients',
      message: `${members.length} clients checked in; at least ${record.parameters.minCohort} are needed`,
    });
  }
  const started = performance.now();
  const { state } = serverCollectKeys(
    {
      roundId: record.roundId,
      vectorLength: record.parameters.vectorLength,
      neighbourCount: record.parameters.neighbourCount,
      random: ctx.random,
    },
    members,
  );
  const now = clock.now();
  const shareKeys = now + settings.deadlines.shareKeysMs;
  const maskedInput = shareKeys + settings.deadlines.maskedInputMs;
  const next: RoundRecord = {
    ...record,
    status: 'share-keys',
    stageState: serializeState(state),
    deadlines: {
      ...record.deadlines,
      shareKeys,
      maskedInput,
      unmask: maskedInput + settings.deadlines.unmaskMs,
    },
    times: { ...record.times, cohortFixedAt: now },
    counts: { ...record.counts, cohort: members.length },
  };
  await ctx.store.saveRound(next);
  round.update(next);
  ctx.metrics.cohortSize.observe(members.length);
  transitioned(ctx, next, 'check-in', started, {
    cohort: members.length,
    threshold: state.setup.threshold,
    neighbourCount: state.setup.neighbourCount,
  });
}

/** Share keys close: route the sealed shares; clients left without enough live neighbours drop out. */
export async function closeShareKeys(ctx: RoundContext, round: OpenRound): Promise<void> {
  const started = performance.now();
  const stage = round.stage('collecting-shares');
  const messages = await ctx.store.messages(round.id, 'share-keys');
  let routed: ReturnType<typeof serverRouteShares>;
  try {
    routed = serverRouteShares(stage, decodeAll(messages, decodeShareSubmission));
  } catch (error) {
    return failOnProtocolRefusal(ctx, round, error);
  }
  const record = round.record;
  const inboxes = new Map(
    [...routed.inboxes].map(([client, shares]) => [client, encodeRoutedShares(shares)]),
  );
  const next: RoundRecord = {
    ...record,
    status: 'masked-input',
    stageState: serializeState(routed.state),
    deadlines: nextDeadline(ctx, record, 'maskedInput'),
    times: { ...record.times, sharesRoutedAt: ctx.clock.now() },
    counts: { ...record.counts, shared: routed.state.sharedClients.length },
  };
  await ctx.store.saveRoutedShares(next, inboxes);
  round.update(next);
  ctx.metrics.dropouts.inc({ stage: 'share-keys' }, next.counts.cohort - next.counts.shared);
  transitioned(ctx, next, 'share-keys', started, { cohort: next.counts.cohort, shared: next.counts.shared });
}

/** Masked input closes: sum what arrived and ask the survivors for the shares that unmask it. */
export async function closeMaskedInput(ctx: RoundContext, round: OpenRound): Promise<void> {
  const started = performance.now();
  const stage = round.stage('collecting-masked-inputs');
  const messages = await ctx.store.messages(round.id, 'masked-input');
  let summed: ReturnType<typeof serverSumMaskedInputs>;
  try {
    summed = serverSumMaskedInputs(stage, decodeAll(messages, decodeMaskedInput));
  } catch (error) {
    return failOnProtocolRefusal(ctx, round, error);
  }
  const record = round.record;
  const next: RoundRecord = {
    ...record,
    status: 'unmask',
    stageState: serializeState(summed.state),
    deadlines: nextDeadline(ctx, record, 'unmask'),
    unmaskRequest: JSON.stringify(summed.unmaskRequest),
    times: { ...record.times, inputsSummedAt: ctx.clock.now() },
    counts: { ...record.counts, survivors: summed.unmaskRequest.survivors.length },
  };
  await ctx.store.saveRound(next);
  round.update(next);
  ctx.metrics.dropouts.inc({ stage: 'masked-input' }, summed.unmaskRequest.dropouts.length);
  transitioned(ctx, next, 'masked-input', started, {
    survivors: summed.unmaskRequest.survivors.length,
    dropouts: summed.unmaskRequest.dropouts.length,
  });
}

/**
 * Unmask closes: remove the masks, add the central noise, apply the strategy, and publish model
 * v+1 with its ledger entry, all in one store transaction.
 */
export async function closeUnmask(ctx: RoundContext, round: OpenRound): Promise<void> {
  const started = performance.now();
  const { store } = ctx;
  const stage = round.stage('collecting-unmask-responses');
  const record = round.record;
  const responders = round.senders.unmask.size;
  let sum: Uint32Array;
  try {
    const messages = await store.messages(round.id, 'unmask');
    sum = serverUnmask(stage, decodeAll(messages, decodeUnmaskResponse), {
      keyAgreement: ctx.keyAgreement(),
      maskKeystream: ctx.maskKeystream,
      hkdf: ctx.hkdf,
    }).sum;
  } catch (error) {
    return failOnProtocolRefusal(ctx, round, error, { responders });
  }
  const globalWeights = await store.modelWeights(record.modelVersion);
  if (!globalWeights) throw new Error(`model version ${record.modelVersion} has no weights`);
  const serverState = await store.serverState();
  const strategyState = strategyStateOf(ctx, serverState.strategyState, globalWeights.length);
  const contributors = stage.survivors.length;
  const finished = finishRound({
    strategy: ctx.strategy,
    strategyState,
    globalWeights,
    unmaskedSum: sum,
    contributors,
    quantization: { clippingBound: record.parameters.clippingBound, maxSummands: record.counts.cohort },
    noiseMultiplier: record.parameters.noiseMultiplier,
    random: ctx.random,
  });
  const now = ctx.clock.now();
  const publishedAt = new Date(now).toISOString();
  const version = record.modelVersion + 1;
  const ledger = recordPublishedRound(decodeLedgerState(serverState.privacyLedger), record.parameters, {
    entry: (await store.ledger()).length + 1,
    modelVersion: version,
    cohortSize: record.counts.cohort,
    contributors,
    publishedAt,
  });
  const next: RoundRecord = {
    ...record,
    status: 'completed',
    stageState: null,
    times: { ...record.times, finishedAt: now },
    counts: { ...record.counts, responders },
    publishedVersion: version,
  };
  await store.publishRound({
    round: next,
    model: {
      version,
      layoutVersion: record.parameters.layoutVersion,
      weights: finished.weights,
      createdAt: publishedAt,
    },
    serverState: {
      strategyState: JSON.stringify({ strategy: ctx.strategy.name, state: finished.strategyState }),
      privacyLedger: encodeLedgerState(ledger.state),
    },
    ledgerEntry: ledger.entry,
  });
  round.update(next);
  ctx.metrics.dropouts.inc({ stage: 'unmask' }, record.counts.survivors - responders);
  ctx.metrics.modelVersion.set(version);
  ctx.metrics.cumulativeEpsilon.set(ledger.entry.cumulativeEpsilon ?? Number.POSITIVE_INFINITY);
  transitioned(ctx, next, 'unmask', started, {
    contributors,
    responders,
    modelVersion: version,
    roundEpsilon: ledger.entry.roundEpsilon,
    cumulativeEpsilon: ledger.entry.cumulativeEpsilon,
  });
  roundEnded(ctx, next);
}

/**
 * The deadlines announced at check-in are the latest each stage can close (every stage at its full
 * length). A stage that closes early gives the next one its full length from now on, which is never
 * later than announced: clients act as soon as a stage's result is available, not at the deadline.
 */
function nextDeadline(
  ctx: RoundContext,
  record: RoundRecord,
  stage: 'maskedInput' | 'unmask',
): RoundRecord['deadlines'] {
  const length =
    stage === 'maskedInput' ? ctx.settings.deadlines.maskedInputMs : ctx.settings.deadlines.unmaskMs;
  const announced = record.deadlines[stage] ?? Number.POSITIVE_INFINITY;
  return { ...record.deadlines, [stage]: Math.min(announced, ctx.clock.now() + length) };
}

/** A stored strategy state of another strategy (the operator switched) starts afresh. */
function strategyStateOf(ctx: RoundContext, stored: string | null, parameterCount: number): unknown {
  if (stored !== null) {
    const parsed = JSON.parse(stored) as { strategy: string; state: unknown };
    if (parsed.strategy === ctx.strategy.name) return parsed.state;
    ctx.logger.warn(
      { from: parsed.strategy, to: ctx.strategy.name },
      'strategy changed: its state starts afresh',
    );
  }
  return ctx.strategy.initialState(parameterCount);
}

async function failOnProtocolRefusal(
  ctx: RoundContext,
  round: OpenRound,
  error: unknown,
  counts: Partial<RoundRecord['counts']> = {},
): Promise<void> {
  if (!isProtocolError(error) || !ROUND_ENDING.has(error.code)) throw error;
  round.update({ ...round.record, counts: { ...round.record.counts, ...counts } });
  return endRound(ctx, round, 'failed', { code: error.code, message: error.message });
}

/** Ends a round without publishing anything; its messages are deleted with it. */
export async function endRound(
  ctx: RoundContext,
  round: OpenRound,
  status: Extract<RoundStatus, 'failed' | 'abandoned'>,
  outcome: { code: string; message: string },
): Promise<void> {
  const from = round.record.status;
  const next: RoundRecord = {
    ...round.record,
    status,
    outcome,
    stageState: null,
    times: { ...round.record.times, finishedAt: ctx.clock.now() },
  };
  await ctx.store.saveRound(next);
  round.update(next);
  ctx.logger.info(
    {
      round: next.roundId,
      from,
      to: status,
      reason: outcome.code,
      detail: outcome.message,
      counts: next.counts,
    },
    `round ${status}`,
  );
  roundEnded(ctx, next);
}

function roundEnded(ctx: RoundContext, record: RoundRecord): void {
  ctx.metrics.rounds.inc({ outcome: record.status });
  const start = record.times.firstCheckInAt ?? record.times.openedAt;
  ctx.metrics.roundDuration.observe(
    { outcome: record.status },
    ((record.times.finishedAt ?? start) - start) / 1000,
  );
}

/** Logs one stage transition and records how long the stage was open and how long closing took. */
function transitioned(
  ctx: RoundContext,
  record: RoundRecord,
  from: RoundStatus,
  started: number,
  details: Record<string, unknown>,
): void {
  const closeMs = performance.now() - started;
  const openedAt = stageOpenedAt(record, from);
  const closedAt = ctx.clock.now();
  ctx.metrics.stageDuration.observe({ stage: from }, Math.max(0, closedAt - openedAt) / 1000);
  ctx.metrics.stageCloseDuration.observe({ stage: from }, closeMs / 1000);
  ctx.logger.info(
    { round: record.roundId, from, to: record.status, closeMs: Math.round(closeMs * 10) / 10, ...details },
    'stage closed',
  );
}

function stageOpenedAt(record: RoundRecord, stage: RoundStatus): number {
  const { times } = record;
  switch (stage) {
    case 'check-in':
      return times.firstCheckInAt ?? times.openedAt;
    case 'share-keys':
      return times.cohortFixedAt ?? times.openedAt;
    case 'masked-input':
      return times.sharesRoutedAt ?? times.openedAt;
    default:
      return times.inputsSummedAt ?? times.openedAt;
  }
}
