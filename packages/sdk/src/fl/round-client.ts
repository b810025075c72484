import {
  type CheckInAccepted,
  clientAdvertiseKeys,
  clientAnswerUnmask,
  clientMaskInput,
  clientShareKeys,
  clipToL2Norm,
  cohortSetupOf,
  cryptoRandomSource,
  PROTOCOL_VERSION,
  parseMessage,
  quantizationOf,
  quantize,
  type RandomSource,
  type WireKind,
  type WireMessage,
} from '@locus/protocol';
import type { CompletedRound, RoundStage } from '../types.js';
import { type Fetch, FlHttp, FlHttpError } from './http.js';

export type { RoundStage };

export interface GlobalModel {
  version: number;
  layoutVersion: number;
  weights: Float32Array;
}

export interface RoundOptions {
  /** The aggregator's federation root, e.g. `/fl` (the client adds `/v1/...`). */
  url: string;
  modelId: string;
  /** Local training: the update Δ = w_local − w_global for the given global model. */
  computeUpdate(model: GlobalModel): Promise<Float32Array>;
  fetch?: Fetch;
  random?: RandomSource;
  onStage?(stage: RoundStage): void;
  /** Give up waiting for the cohort after this long (ms). */
  checkInTimeoutMs?: number;
  sleep?(ms: number): Promise<void>;
}

export type RoundReport =
  | CompletedRound
  | { status: 'not-selected' | 'dropped'; reason: string; retryAfterMs?: number; bytesUploaded: number };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One federated round from this device's side (the protocol's client stages over HTTP): check in
 * with fresh keys, share key shares, train, clip, quantize, mask, upload, answer the unmasking.
 * Only protocol messages leave the device; the update is masked before it does.
 */
export async function runFederatedRound(options: RoundOptions): Promise<RoundReport> {
  const http = new FlHttp(options.url, options.fetch);
  const random = options.random ?? cryptoRandomSource;
  const sleep = options.sleep ?? realSleep;
  const stage = options.onStage ?? (() => {});
  let bytesUploaded = 0;
  const post = async <K extends WireKind>(path: string, kind: K, message: WireMessage<K>, token?: string) => {
    try {
      const { text, bytesSent } = await http.post(path, kind, message, token);
      bytesUploaded += bytesSent;
      return text;
    } catch (err) {
      // A lost response to a message the server kept: it already has it.
      if (err instanceof FlHttpError && err.code === 'duplicate_message') return '';
      throw err;
    }
  };

  stage('check-in');
  const keys = clientAdvertiseKeys(random);
  const deadline = Date.now() + (options.checkInTimeoutMs ?? 120_000);
  let token: string | undefined;
  let accepted: CheckInAccepted | undefined;
  while (!accepted) {
    const request: WireMessage<'check-in-request'> = {
      protocolVersion: PROTOCOL_VERSION,
      modelId: options.modelId,
      publicKeys: keys.publicKeys,
      ...(token ? { token } : {}),
    };
    const answer = parseMessage('check-in-response', await post('/check-in', 'check-in-request', request));
    if (answer.status === 'rejected') {
      return {
        status: 'not-selected',
        reason: answer.reason,
        retryAfterMs: answer.retryAfterMs,
        bytesUploaded,
      };
    }
    token = answer.token;
    if (answer.status === 'accepted') {
      accepted = answer;
      break;
    }
    if (Date.now() > deadline) return { status: 'not-selected', reason: 'cohort-timeout', bytesUploaded };
    await sleep(answer.retryAfterMs);
  }

  const roundPath = `/rounds/${accepted.roundId}`;
  const envelope = {
    protocolVersion: PROTOCOL_VERSION,
    roundId: accepted.roundId,
    token: accepted.token,
    clientIndex: accepted.clientIndex,
  } as const;
  try {
    // The model this round trains against: download it before spending anything on the round.
    stage('model');
    const download = await http.get('/model', 'model-download');
    if (download.model.version !== accepted.model.version) {
      return { status: 'dropped', reason: 'model-changed', bytesUploaded };
    }

    stage('share-keys');
    const shared = clientShareKeys(keys.state, cohortSetupOf(accepted), { random });
    await post(
      `${roundPath}/share-keys`,
      'share-keys-request',
      { ...envelope, shares: shared.submission.shares },
      accepted.token,
    );
    const routed = await poll(() => http.get(`${roundPath}/shares`, 'routed-shares', accepted.token), sleep);

    stage('train');
    const update = await options.computeUpdate({
      version: download.model.version,
      layoutVersion: download.model.layoutVersion,
      weights: Float32Array.from(download.weights),
    });
    if (update.length !== accepted.cohort.vectorLength) {
      throw new FlHttpError(
        0,
        'wrong_length',
        `update has ${update.length} values, the round needs ${accepted.cohort.vectorLength}`,
      );
    }
    const clipped = clipToL2Norm(update, accepted.clippingBound);

    stage('masked-input');
    const quantized = quantize(clipped.values, quantizationOf(accepted), random);
    const masked = clientMaskInput(shared.state, routed.shares, quantized);
    await post(
      `${roundPath}/masked-input`,
      'masked-input-request',
      { ...envelope, maskedInput: masked.submission.maskedInput },
      accepted.token,
    );

    stage('unmask');
    const request = await poll(
      () => http.get(`${roundPath}/unmask`, 'unmask-request', accepted.token),
      sleep,
    );
    const answer = clientAnswerUnmask(masked.state, {
      survivors: request.survivors,
      dropouts: request.dropouts,
    });
    await post(`${roundPath}/unmask`, 'unmask-response', { ...envelope, ...answer.response }, accepted.token);
    stage('done');
    return {
      status: 'completed',
      roundId: accepted.roundId,
      modelVersion: accepted.model.version,
      cohortSize: accepted.cohort.members.length,
      bytesUploaded,
      clippingBound: accepted.clippingBound,
      updateNorm: clipped.norm,
      clipped: clipped.wasClipped,
    };
  } catch (err) {
    if (err instanceof FlHttpError && err.roundOver)
      return { status: 'dropped', reason: err.code, bytesUploaded };
    throw err;
  }
}

/** GETs a stage's answer, waiting while the server says it is too early. */
async function poll<T>(get: () => Promise<T>, sleep: (ms: number) => Promise<void>): Promise<T> {
  for (;;) {
    try {
      return await get();
    } catch (err) {
      if (!(err instanceof FlHttpError) || (err.code !== 'too_early' && !err.transient)) throw err;
      await sleep(err.retryAfterMs ?? 500);
    }
  }
}
