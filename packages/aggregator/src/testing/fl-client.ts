import {
  addInto,
  type CheckInAccepted,
  type CheckInResponse,
  type ClientMaskedState,
  type ClientSharedState,
  type ClientUnmaskedState,
  clientAdvertiseKeys,
  clientAnswerUnmask,
  clientMaskInput,
  clientShareKeys,
  clipToL2Norm,
  cohortSetupOf,
  createChaCha20RandomSource,
  dequantizeSum,
  encodeMessage,
  PROTOCOL_VERSION,
  parseMessage,
  quantizationOf,
  quantize,
  type RandomSource,
  type RoutedShare,
  type UnmaskRequest,
  type WireKind,
  type WireMessage,
} from '@locus/protocol';

/**
 * A federated client for tests, built from the protocol's client stage functions and speaking the
 * aggregator's HTTP API through a transport: `app.request` (in process) or `fetch` against a
 * started server. It keeps what a test needs to predict the aggregate (its clipped and quantized
 * update). Not shipped (excluded from the build).
 */
export type Transport = (path: string, init?: RequestInit) => Promise<Response>;

export const httpTransport =
  (baseUrl: string): Transport =>
  (path, init) =>
    fetch(`${baseUrl}${path}`, init);

export class FlTestClient {
  readonly random: RandomSource;
  readonly keys: ReturnType<typeof clientAdvertiseKeys>;
  token: string | undefined;
  accepted: CheckInAccepted | undefined;
  shared: ClientSharedState | undefined;
  inbox: RoutedShare[] | undefined;
  masked: ClientMaskedState | undefined;
  unmasked: ClientUnmaskedState | undefined;
  quantized: Uint32Array | undefined;

  constructor(
    private readonly transport: Transport,
    seed: number,
  ) {
    const bytes = new Uint8Array(32);
    new DataView(bytes.buffer).setUint32(0, seed);
    this.random = createChaCha20RandomSource(bytes);
    this.keys = clientAdvertiseKeys(this.random);
  }

  get roundId(): string {
    return this.accepted!.roundId;
  }

  get index(): number {
    return this.accepted!.clientIndex;
  }

  /** First check-in, or a poll once a token is known. Remembers the token and the acceptance. */
  async checkIn(): Promise<CheckInResponse> {
    const body = encodeMessage('check-in-request', {
      protocolVersion: PROTOCOL_VERSION,
      modelId: 'locus-ctr',
      publicKeys: this.keys.publicKeys,
      ...(this.token ? { token: this.token } : {}),
    });
    const res = await this.transport('/fl/v1/check-in', { method: 'POST', body, headers: json() });
    const response = parseMessage('check-in-response', await ok(res));
    if (response.status !== 'rejected') this.token = response.token;
    if (response.status === 'accepted') this.accepted = response;
    return response;
  }

  async shareKeys(): Promise<Response> {
    const result = clientShareKeys(this.keys.state, cohortSetupOf(this.accepted!), { random: this.random });
    this.shared = result.state;
    return this.post('share-keys', 'share-keys-request', {
      ...this.envelope(),
      shares: result.submission.shares,
    });
  }

  async fetchShares(): Promise<RoutedShare[]> {
    const message = await this.get('shares', 'routed-shares');
    this.inbox = message.shares;
    return message.shares;
  }

  /** Clips, quantizes and masks `update`, then uploads it. */
  async maskInput(update: ArrayLike<number>): Promise<Response> {
    const clipped = clipToL2Norm(update, this.accepted!.clippingBound).values;
    this.quantized = quantize(clipped, quantizationOf(this.accepted!), this.random);
    const result = clientMaskInput(this.shared!, this.inbox!, this.quantized);
    this.masked = result.state;
    return this.post('masked-input', 'masked-input-request', {
      ...this.envelope(),
      maskedInput: result.submission.maskedInput,
    });
  }

  async fetchUnmaskRequest(): Promise<UnmaskRequest> {
    const { survivors, dropouts } = await this.get('unmask', 'unmask-request');
    return { survivors, dropouts };
  }

  async answerUnmask(request: UnmaskRequest): Promise<Response> {
    const result = clientAnswerUnmask(this.unmasked ?? this.masked!, request);
    this.unmasked = result.state;
    return this.post('unmask', 'unmask-response', {
      ...this.envelope(),
      seedShares: result.response.seedShares,
      keyShares: result.response.keyShares,
    });
  }

  envelope() {
    return {
      protocolVersion: PROTOCOL_VERSION as typeof PROTOCOL_VERSION,
      roundId: this.roundId,
      token: this.token!,
      clientIndex: this.index,
    };
  }

  /** POSTs a message to a round route with this client's bearer token; the Response is the caller's. */
  post<K extends WireKind>(route: string, kind: K, message: WireMessage<K>): Promise<Response> {
    return this.transport(`/fl/v1/rounds/${this.roundId}/${route}`, {
      method: 'POST',
      body: encodeMessage(kind, message),
      headers: { ...json(), authorization: `Bearer ${this.token}` },
    });
  }

  async get<K extends WireKind>(route: string, kind: K): Promise<WireMessage<K>> {
    return parseMessage(kind, await ok(await this.getRaw(route)));
  }

  /** GETs a round route with this client's bearer token; the Response is the caller's. */
  getRaw(route: string): Promise<Response> {
    return this.transport(`/fl/v1/rounds/${this.roundId}/${route}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
  }
}

const json = () => ({ 'content-type': 'application/json' });

/** The body of a 2xx response; throws with the status and error body otherwise. */
export async function ok(res: Response): Promise<string> {
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text}`);
  return text;
}

/** Deterministic float updates of mixed norms (some far above the clipping bound). */
export function syntheticUpdate(length: number, seed: number): Float64Array {
  let state = seed * 2654435761;
  const scale = seed % 3 === 0 ? 3 : 0.02;
  return Float64Array.from({ length }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state / 2 ** 32 - 0.5) * scale;
  });
}

/**
 * FedAvg with η = 1 and σ = 0, computed the way the server must: the survivors' quantized updates
 * summed mod 2^32, dequantized, divided by their number, added to the old weights in float32.
 */
export function expectedFedAvgWeights(
  oldWeights: Float32Array,
  survivors: readonly FlTestClient[],
  serverLearningRate = 1,
): Float32Array {
  const accepted = survivors[0]!.accepted!;
  const sum = new Uint32Array(oldWeights.length);
  for (const client of survivors) addInto(sum, client.quantized!);
  const total = dequantizeSum(sum, quantizationOf(accepted));
  const weights = new Float32Array(oldWeights.length);
  for (let i = 0; i < weights.length; i++) {
    weights[i] = oldWeights[i]! + serverLearningRate * (total[i]! / survivors.length);
  }
  return weights;
}
