import {
  type CheckInAccepted,
  type checkUnmaskResponse,
  cohortFieldOf,
  deserializeState,
  type ModelInfo,
  neighbourSets,
  type ServerMaskedInputStage,
  type ServerSharesStage,
  type ServerUnmaskStage,
  type UnmaskRequest,
} from '@locus/protocol';
import type { MessageStage, ParticipantRecord, RoundRecord, Store } from '../store/index.js';

export type ServerStage = ServerSharesStage | ServerMaskedInputStage | ServerUnmaskStage;

/** The shape of `checkUnmaskResponse`'s third parameter (the protocol does not name it). */
export type UnmaskCheckContext = NonNullable<Parameters<typeof checkUnmaskResponse>[2]>;

/**
 * The in-memory view of the one round in progress, rebuilt from the store on start: who was
 * admitted (by token hash and by index), which keys are taken, who has sent what, and the decoded
 * protocol stage. Everything here can be recomputed from the store; nothing here is authoritative.
 */
export class OpenRound {
  readonly membersByToken = new Map<string, ParticipantRecord>();
  readonly membersByIndex = new Map<number, ParticipantRecord>();
  /** Every public key (base64) advertised by an admitted member: keys must be distinct in a cohort. */
  readonly takenKeys = new Set<string>();
  /**
   * Sampling decisions by key pair, so a client that repeats its check-in with the same keys gets
   * the same answer instead of another draw (not kept across restarts: those are rare).
   */
  readonly decisions = new Map<string, 'admitted' | 'not-sampled'>();
  readonly senders: Record<MessageStage, Set<number>> = {
    'share-keys': new Set(),
    'masked-input': new Set(),
    unmask: new Set(),
  };
  #stage: ServerStage | null = null;
  #neighbours: Map<number, number[]> | null = null;
  #cohortField: CheckInAccepted['cohort'] | null = null;
  #unmaskRequest: UnmaskRequest | null = null;
  #unmaskContext: UnmaskCheckContext | null = null;

  constructor(
    public record: RoundRecord,
    /** The global model the round trains against. */
    readonly model: ModelInfo,
  ) {
    this.#decode();
  }

  static async load(store: Store, record: RoundRecord, model: ModelInfo): Promise<OpenRound> {
    const round = new OpenRound(record, model);
    for (const participant of await store.participants(record.roundId)) round.admit(participant);
    for (const stage of Object.keys(round.senders) as MessageStage[]) {
      for (const index of await store.messageSenders(record.roundId, stage)) round.senders[stage].add(index);
    }
    return round;
  }

  get id(): string {
    return this.record.roundId;
  }

  get size(): number {
    return this.membersByIndex.size;
  }

  admit(participant: ParticipantRecord): void {
    this.membersByToken.set(participant.tokenHash, participant);
    this.membersByIndex.set(participant.clientIndex, participant);
    this.takenKeys.add(keyId(participant.encryptionPublicKey));
    this.takenKeys.add(keyId(participant.maskingPublicKey));
    this.decisions.set(pairId(participant.encryptionPublicKey, participant.maskingPublicKey), 'admitted');
  }

  /** Replaces the record (after a transition) and re-decodes the stage state. */
  update(record: RoundRecord): void {
    this.record = record;
    this.#decode();
  }

  stage<S extends ServerStage['stage']>(name: S): Extract<ServerStage, { stage: S }> {
    if (this.#stage?.stage !== name) throw new Error(`round ${this.id} is not in protocol stage ${name}`);
    return this.#stage as Extract<ServerStage, { stage: S }>;
  }

  /** Neighbour sets of the cohort, computed once per round. */
  neighbours(): Map<number, number[]> {
    if (!this.#neighbours) {
      const setup = this.#stage?.setup;
      if (!setup) throw new Error(`round ${this.id} has no cohort yet`);
      this.#neighbours = neighbourSets(
        setup.members.map((member) => member.index),
        setup.neighbourCount,
        setup.graphSeed,
        setup.roundId,
      );
    }
    return this.#neighbours;
  }

  /**
   * The sets `checkUnmaskResponse` consults (its optional third argument), built once per round:
   * left to the protocol they are rebuilt for every response, O(n²) for the complete graph, which
   * made each unmask answer cost about a millisecond at n = 100.
   */
  unmaskContext(): UnmaskCheckContext {
    if (!this.#unmaskContext) {
      const stage = this.stage('collecting-unmask-responses');
      const survivors = new Set(stage.survivors);
      this.#unmaskContext = {
        survivors,
        dropouts: new Set(stage.sharedClients.filter((client) => !survivors.has(client))),
        neighbours: new Map([...this.neighbours()].map(([client, list]) => [client, new Set(list)])),
      };
    }
    return this.#unmaskContext;
  }

  cohortField(): CheckInAccepted['cohort'] {
    if (!this.#cohortField) {
      const stage = this.#stage;
      if (!stage) throw new Error(`round ${this.id} has no cohort yet`);
      this.#cohortField = cohortFieldOf(stage.setup);
    }
    return this.#cohortField;
  }

  unmaskRequest(): UnmaskRequest {
    if (!this.#unmaskRequest) throw new Error(`round ${this.id} has no unmask request yet`);
    return this.#unmaskRequest;
  }

  #decode(): void {
    const { stageState, unmaskRequest } = this.record;
    this.#stage = stageState === null ? null : deserializeState<ServerStage>(stageState);
    this.#unmaskContext = null;
    this.#unmaskRequest = unmaskRequest === null ? null : (JSON.parse(unmaskRequest) as UnmaskRequest);
  }
}

export function keyId(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64');
}

export function pairId(encryptionKey: Uint8Array, maskingKey: Uint8Array): string {
  return `${keyId(encryptionKey)}:${keyId(maskingKey)}`;
}
