import {
  type CheckInRequest,
  type CheckInResponse,
  checkMaskedInput,
  checkShareSubmission,
  checkUnmaskResponse,
  cryptoRandomSource,
  type KeyAgreement,
  type MaskedInputRequest,
  type MaskKeystream,
  maskedInputSubmissionOf,
  type RandomSource,
  type RoutedShare,
  type ShareKeysRequest,
  shareSubmissionOf,
  type UnmaskRequest,
  type UnmaskResponseMessage,
  unmaskResponseOf,
} from '@locus/protocol';
import type { Logger } from 'pino';
import { AggregatorMetrics } from '../metrics.js';
import { type MessageStage, type RoundRecord, type Store, TERMINAL_STATUSES } from '../store/index.js';
import { admit, POLL_INTERVAL_MS, poll, pollDelay, stageDeadline } from './check-in.js';
import { type Clock, systemClock } from './clock.js';
import {
  decodeRoutedShares,
  encodeMaskedInput,
  encodeShareSubmission,
  encodeUnmaskResponse,
} from './codecs.js';
import { clientFault, RoundError } from './errors.js';
import { nativeMaskKeystream } from './native-chacha20.js';
import { nativeHkdf } from './native-hkdf.js';
import { createNativeKeyAgreement } from './native-x25519.js';
import { OpenRound } from './open-round.js';
import type { RoundSettings } from './settings.js';
import { strategyOf } from './strategy.js';
import { hashToken } from './tokens.js';
import {
  closeCheckIn,
  closeMaskedInput,
  closeShareKeys,
  closeUnmask,
  modelInfoOf,
  openNextRound,
  type RoundContext,
} from './transitions.js';

export interface CoordinatorOptions {
  store: Store;
  settings: RoundSettings;
  logger: Logger;
  metrics?: AggregatorMetrics;
  /** Default: the system clock. Tests pass a FakeClock and call `advance()` themselves. */
  clock?: Clock;
  /** Tokens, graph seeds, sampling draws and the central noise. Default: the platform CSPRNG. */
  random?: RandomSource;
  /** Default: node:crypto's X25519. */
  keyAgreement?: () => KeyAgreement;
  /** The ChaCha20 keystream of mask expansion. Default: node:crypto's. */
  maskKeystream?: MaskKeystream;
  /** Close stages on time with real timers (the server); off in tests that move a fake clock. */
  timers?: boolean;
}

/** A cohort member, as authenticated by its bearer token. */
export interface Member {
  roundId: string;
  clientIndex: number;
}

export { POLL_INTERVAL_MS };

/**
 * The round state machine: check-in (Poisson sampling, capped) → share keys → masked input →
 * unmask → publish, with a deadline per stage, on top of the protocol's pure stage functions. A
 * stage also closes early once every client it waits for has answered. Every operation runs
 * alone (one queue), first closing any stage whose deadline has passed, so the outcome depends
 * only on the clock and the order of arrivals, never on timer jitter. State lives in the store;
 * a restart resumes the open round where it stood.
 */
export class RoundCoordinator {
  readonly #ctx: RoundContext;
  #round: OpenRound;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  readonly #timers: boolean;
  #closed = false;

  private constructor(ctx: RoundContext, round: OpenRound, timers: boolean) {
    this.#ctx = ctx;
    this.#round = round;
    this.#timers = timers;
  }

  /** Resumes the open round from the store, or opens the first one. */
  static async start(options: CoordinatorOptions): Promise<RoundCoordinator> {
    const ctx: RoundContext = {
      store: options.store,
      settings: options.settings,
      clock: options.clock ?? systemClock,
      random: options.random ?? cryptoRandomSource,
      logger: options.logger,
      metrics: options.metrics ?? new AggregatorMetrics(),
      strategy: strategyOf(options.settings),
      keyAgreement: options.keyAgreement ?? createNativeKeyAgreement,
      maskKeystream: options.maskKeystream ?? nativeMaskKeystream,
      hkdf: nativeHkdf,
    };
    const stored = await ctx.store.openRound();
    let round: OpenRound;
    if (stored) {
      const model = await ctx.store.currentModel();
      round = await OpenRound.load(
        ctx.store,
        stored,
        modelInfoOf({ ...model, version: stored.modelVersion }),
      );
      ctx.logger.info(
        { round: stored.roundId, status: stored.status, members: round.size },
        'resumed the open round',
      );
    } else {
      round = await openNextRound(ctx);
    }
    ctx.metrics.modelVersion.set((await ctx.store.currentModel()).version);
    const lastEntry = (await ctx.store.ledger()).at(-1);
    if (lastEntry) ctx.metrics.cumulativeEpsilon.set(lastEntry.cumulativeEpsilon ?? Number.POSITIVE_INFINITY);
    const coordinator = new RoundCoordinator(ctx, round, options.timers ?? false);
    await coordinator.advance();
    return coordinator;
  }

  /** The round in progress. */
  get current(): RoundRecord {
    return this.#round.record;
  }

  get metrics(): AggregatorMetrics {
    return this.#ctx.metrics;
  }

  /** Closes every stage whose deadline has passed (and opens the next round after one ends). */
  advance(): Promise<void> {
    return this.#exclusive(async () => {});
  }

  /** The next deadline of the open round, ms since the epoch; null while none runs. */
  nextDeadline(): number | null {
    return stageDeadline(this.#round.record);
  }

  /** Stops the timers and waits for the operation in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#queue.catch(() => {});
  }

  // ── Stage 0: check-in ─────────────────────────────────────────────────────────────────────

  /** A first check-in (sampling decision) or a poll with the token of an earlier `pending`. */
  checkIn(request: CheckInRequest): Promise<CheckInResponse> {
    return this.#exclusive(async () => {
      if (request.modelId !== this.#ctx.settings.model.id) {
        throw new RoundError(
          'wrong_model',
          `this server trains ${this.#ctx.settings.model.id}, not ${request.modelId}`,
        );
      }
      return request.token === undefined
        ? admit(this.#ctx, this.#round, request)
        : poll(this.#ctx, this.#round, request, request.token);
    });
  }

  // ── Stages 1-3: authenticated messages ────────────────────────────────────────────────────

  /** The member a bearer token stands for in `roundId`. */
  authenticate(roundId: string, token: string | undefined): Promise<Member> {
    return this.#exclusive(async () => {
      const round = this.#round;
      if (roundId !== round.id) {
        const other = await this.#ctx.store.round(roundId);
        if (!other) throw new RoundError('round_not_found', `no round ${roundId}`);
        throw new RoundError('round_closed', `round ${roundId} is ${other.status}`);
      }
      if (TERMINAL_STATUSES.has(round.record.status)) {
        throw new RoundError('round_closed', `round ${roundId} is ${round.record.status}`);
      }
      const member = token === undefined ? undefined : round.membersByToken.get(hashToken(token));
      if (!member) throw new RoundError('invalid_token', 'a bearer token of this round is required');
      return { roundId, clientIndex: member.clientIndex };
    });
  }

  /** The vector length masked inputs of `roundId` must have (for parsing before the queue). */
  vectorLength(roundId: string): number {
    return roundId === this.#round.id
      ? this.#round.record.parameters.vectorLength
      : this.#ctx.settings.model.length;
  }

  submitShareKeys(member: Member, message: ShareKeysRequest): Promise<void> {
    return this.#exclusive(async () => {
      const round = this.#inStage(member, 'share-keys');
      const submission = shareSubmissionOf(message);
      this.#once(round, 'share-keys', member, () =>
        checkShareSubmission(round.stage('collecting-shares'), submission, round.neighbours()),
      );
      await this.#store(round, 'share-keys', member, encodeShareSubmission(submission));
      if (round.senders['share-keys'].size === round.record.counts.cohort)
        await closeShareKeys(this.#ctx, round);
    });
  }

  routedShares(member: Member): Promise<RoutedShare[]> {
    return this.#exclusive(async () => {
      const round = this.#after(member, 'share-keys');
      const stored = await this.#ctx.store.routedShares(round.id, member.clientIndex);
      if (!stored) {
        throw new RoundError(
          'dropped',
          'no shares for this client: it missed share keys or too few neighbours shared',
        );
      }
      return decodeRoutedShares(stored);
    });
  }

  submitMaskedInput(member: Member, message: MaskedInputRequest): Promise<void> {
    return this.#exclusive(async () => {
      const round = this.#inStage(member, 'masked-input');
      const stage = round.stage('collecting-masked-inputs');
      if (!stage.sharedClients.includes(member.clientIndex)) {
        throw new RoundError('dropped', 'this client did not complete share keys in time');
      }
      const submission = maskedInputSubmissionOf(message);
      this.#once(round, 'masked-input', member, () => checkMaskedInput(stage, submission));
      await this.#store(round, 'masked-input', member, encodeMaskedInput(submission));
      if (round.senders['masked-input'].size === stage.sharedClients.length) {
        await closeMaskedInput(this.#ctx, round);
      }
    });
  }

  unmaskRequest(member: Member): Promise<UnmaskRequest> {
    return this.#exclusive(async () => {
      const round = this.#after(member, 'masked-input');
      const request = round.unmaskRequest();
      if (!request.survivors.includes(member.clientIndex)) {
        throw new RoundError('dropped', 'no masked input from this client arrived in time');
      }
      return request;
    });
  }

  submitUnmaskResponse(member: Member, message: UnmaskResponseMessage): Promise<void> {
    return this.#exclusive(async () => {
      const round = this.#inStage(member, 'unmask');
      const stage = round.stage('collecting-unmask-responses');
      if (!stage.survivors.includes(member.clientIndex)) {
        throw new RoundError('dropped', 'no masked input from this client arrived in time');
      }
      const response = unmaskResponseOf(message);
      this.#once(round, 'unmask', member, () => checkUnmaskResponse(stage, response, round.unmaskContext()));
      await this.#store(round, 'unmask', member, encodeUnmaskResponse(response));
      if (round.senders.unmask.size === stage.survivors.length) await closeUnmask(this.#ctx, round);
    });
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  /** The open round, if `member` belongs to it and it is in `stage`; the right refusal otherwise. */
  #inStage(member: Member, stage: MessageStage): OpenRound {
    const round = this.#memberRound(member);
    const order = STAGE_ORDER[round.record.status];
    if (order < STAGE_ORDER[stage]) {
      throw new RoundError(
        'too_early',
        `round ${round.id} is in ${round.record.status}`,
        pollDelay(this.#ctx, this.#round),
      );
    }
    if (order > STAGE_ORDER[stage]) throw new RoundError('stage_closed', `the ${stage} stage has closed`);
    return round;
  }

  /** The open round, if `member` belongs to it and `stage` has closed; `too_early` otherwise. */
  #after(member: Member, stage: MessageStage): OpenRound {
    const round = this.#memberRound(member);
    if (STAGE_ORDER[round.record.status] <= STAGE_ORDER[stage]) {
      throw new RoundError(
        'too_early',
        `the ${stage} stage has not closed yet`,
        pollDelay(this.#ctx, this.#round),
      );
    }
    return round;
  }

  #memberRound(member: Member): OpenRound {
    const round = this.#round;
    if (member.roundId !== round.id || TERMINAL_STATUSES.has(round.record.status)) {
      throw new RoundError('round_closed', `round ${member.roundId} is over`);
    }
    return round;
  }

  /** Refuses a second message of a stage before validating it (cheaper, and the clearer answer). */
  #once(round: OpenRound, stage: MessageStage, member: Member, check: () => void): void {
    if (round.senders[stage].has(member.clientIndex)) {
      throw new RoundError(
        'duplicate_message',
        `client ${member.clientIndex} already sent its ${stage} message`,
      );
    }
    try {
      check();
    } catch (error) {
      clientFault(error);
    }
  }

  async #store(round: OpenRound, stage: MessageStage, member: Member, payload: Uint8Array): Promise<void> {
    if (!(await this.#ctx.store.saveMessage(round.id, stage, member.clientIndex, payload))) {
      throw new RoundError(
        'duplicate_message',
        `client ${member.clientIndex} already sent its ${stage} message`,
      );
    }
    round.senders[stage].add(member.clientIndex);
  }

  /** Runs `operation` after every earlier one, once due transitions are done; reschedules timers. */
  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      await this.#closeDueStages();
      return operation();
    });
    this.#queue = run.then(
      () => this.#reschedule(),
      () => this.#reschedule(),
    );
    return run;
  }

  async #closeDueStages(): Promise<void> {
    for (;;) {
      const round = this.#round;
      const { status } = round.record;
      if (TERMINAL_STATUSES.has(status)) {
        this.#round = await openNextRound(this.#ctx);
        continue;
      }
      const deadline = this.nextDeadline();
      if (deadline === null || this.#ctx.clock.now() < deadline) return;
      if (status === 'check-in') await closeCheckIn(this.#ctx, round);
      else if (status === 'share-keys') await closeShareKeys(this.#ctx, round);
      else if (status === 'masked-input') await closeMaskedInput(this.#ctx, round);
      else await closeUnmask(this.#ctx, round);
    }
  }

  #reschedule(): void {
    if (!this.#timers || this.#closed) return;
    clearTimeout(this.#timer);
    const deadline = this.nextDeadline();
    // A round that just ended opens its successor on the next operation; make that happen now.
    const due = TERMINAL_STATUSES.has(this.#round.record.status) ? this.#ctx.clock.now() : deadline;
    if (due === null) return;
    this.#timer = setTimeout(
      () => {
        this.advance().catch((error: unknown) => {
          this.#ctx.logger.error({ err: error, round: this.#round.id }, 'closing a stage failed');
        });
      },
      Math.max(0, due - this.#ctx.clock.now()),
    );
    this.#timer.unref();
  }
}

/** Order of statuses for "too early" / "too late" decisions. */
const STAGE_ORDER: Record<RoundRecord['status'], number> = {
  'check-in': 0,
  'share-keys': 1,
  'masked-input': 2,
  unmask: 3,
  completed: 4,
  failed: 4,
  abandoned: 4,
};
