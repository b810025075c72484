import type { PrivacyLedgerEntry } from '@locus/protocol';

/**
 * Persistence seam of the aggregator. The embedded default is {@link SqliteStore}; a PostgreSQL
 * adapter can implement the same interface, which is why every method is asynchronous. The round
 * logic (rounds/) speaks only this interface: no SQL outside store/.
 *
 * Durability contract: when a method's promise settles, what it wrote survives a crash of the
 * process. Methods that change several things (closing a stage, publishing a round) are atomic.
 */
export interface Store {
  /** Latest published version of the global model (version 0 exists from the first open). */
  currentModel(): Promise<ModelRecord>;
  /** The weights of one version; null when that version has none stored. */
  modelWeights(version: number): Promise<Float32Array | null>;
  /**
   * Gives version 0 its layout and initial weights, as long as nothing was published after it.
   * Throws {@link StoreError} when a later version exists.
   */
  initializeModel(layoutVersion: number, weights: Float32Array): Promise<void>;

  /** The round that is not finished yet, if any (at most one exists). */
  openRound(): Promise<RoundRecord | null>;
  /** Any round by id. */
  round(roundId: string): Promise<RoundRecord | null>;
  /** Most recent rounds first. */
  recentRounds(limit: number): Promise<RoundRecord[]>;
  /** Highest round sequence number so far (0 before the first round). */
  lastRoundSequence(): Promise<number>;
  createRound(round: RoundRecord): Promise<void>;
  /** Replaces the stored record of `round.roundId`. */
  saveRound(round: RoundRecord): Promise<void>;
  /**
   * Closes the share-keys stage: the round record and every cohort member's routed shares
   * (encoded by the caller), in one transaction.
   */
  saveRoutedShares(round: RoundRecord, inboxes: ReadonlyMap<number, Uint8Array>): Promise<void>;
  /** One client's routed shares, or null when it got none. */
  routedShares(roundId: string, clientIndex: number): Promise<Uint8Array | null>;

  /** Admits a client to a round. Throws StoreError on a token-hash or index collision. */
  addParticipant(roundId: string, participant: ParticipantRecord): Promise<void>;
  /** A round's participants by client index. */
  participants(roundId: string): Promise<ParticipantRecord[]>;
  /** The round and client a token hash belongs to, in any round. */
  findToken(tokenHash: string): Promise<{ roundId: string; clientIndex: number } | null>;

  /**
   * Stores one accepted message. Returns false, storing nothing, when this client already has a
   * message for this stage of this round (the first one wins).
   */
  saveMessage(
    roundId: string,
    stage: MessageStage,
    clientIndex: number,
    payload: Uint8Array,
  ): Promise<boolean>;
  /**
   * The accepted messages of a stage, by client index. The iterable may be lazy (streamed from
   * the database): consume it before the next call on this store.
   */
  messages(roundId: string, stage: MessageStage): Promise<Iterable<StoredMessage>>;
  /** Client indexes that have a message for the stage. */
  messageSenders(roundId: string, stage: MessageStage): Promise<number[]>;

  /** Strategy state and privacy-ledger state (JSON text each), null before the first round. */
  serverState(): Promise<ServerState>;
  /**
   * Publishes a finished round atomically: model version `model.version`, the server state after
   * it, its ledger entry and the round record.
   */
  publishRound(publication: RoundPublication): Promise<void>;
  /** The privacy ledger, oldest first. */
  ledger(): Promise<PrivacyLedgerEntry[]>;

  /** Releases the database; further calls reject. Safe to call twice. */
  close(): Promise<void>;
}

/** One stored version of a global model, without its weights (those can be large). */
export interface ModelRecord {
  modelId: string;
  version: number;
  layoutVersion: number;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** Whether the row carries weights; a fresh database's version 0 has none until initialized. */
  hasWeights: boolean;
}

export type RoundStatus =
  | 'check-in'
  | 'share-keys'
  | 'masked-input'
  | 'unmask'
  | 'completed'
  | 'failed'
  | 'abandoned';

export const TERMINAL_STATUSES: ReadonlySet<RoundStatus> = new Set(['completed', 'failed', 'abandoned']);

/** Stages whose client messages are stored. */
export type MessageStage = 'share-keys' | 'masked-input' | 'unmask';

/** The parameters a round was started with; a restart with another config keeps them. */
export interface RoundParameters {
  vectorLength: number;
  layoutVersion: number;
  samplingRate: number;
  maxCohort: number;
  minCohort: number;
  neighbourCount: number;
  clippingBound: number;
  noiseMultiplier: number;
  delta: number;
}

/** Absolute deadlines, ms since the epoch. */
export interface StageDeadlines {
  checkIn: number | null;
  shareKeys: number | null;
  maskedInput: number | null;
  unmask: number | null;
}

/** When each stage ended, ms since the epoch (null while it has not). */
export interface StageTimes {
  openedAt: number;
  firstCheckInAt: number | null;
  cohortFixedAt: number | null;
  sharesRoutedAt: number | null;
  inputsSummedAt: number | null;
  finishedAt: number | null;
}

export interface RoundRecord {
  roundId: string;
  /** 1 for the first round this database ran. */
  sequence: number;
  status: RoundStatus;
  /** The global model version the round's updates are computed against. */
  modelVersion: number;
  parameters: RoundParameters;
  deadlines: StageDeadlines;
  times: StageTimes;
  /** Members after check-in (the cohort), those whose shares were routed, inputs summed, unmask answers. */
  counts: { cohort: number; shared: number; survivors: number; responders: number };
  /** The protocol's server stage state (`serializeState` text), null during check-in. */
  stageState: string | null;
  /** The unmask request (JSON text) once the masked inputs are summed. */
  unmaskRequest: string | null;
  /** Why a round failed or was abandoned: a stable code and a sentence. */
  outcome: { code: string; message: string } | null;
  /** Model version this round published, when completed. */
  publishedVersion: number | null;
}

export interface ParticipantRecord {
  /** The client's index in the round: its admission order, 1-based (the protocol's x-coordinate). */
  clientIndex: number;
  /** SHA-256 of the bearer token, hex; the token itself is never stored. */
  tokenHash: string;
  encryptionPublicKey: Uint8Array;
  maskingPublicKey: Uint8Array;
}

export interface StoredMessage {
  clientIndex: number;
  payload: Uint8Array;
}

export interface ServerState {
  strategyState: string | null;
  privacyLedger: string | null;
}

export interface RoundPublication {
  round: RoundRecord;
  model: { version: number; layoutVersion: number; weights: Float32Array; createdAt: string };
  serverState: { strategyState: string; privacyLedger: string };
  ledgerEntry: PrivacyLedgerEntry;
}

/** The store could not be opened or used; `message` is one line, fit for a terminal. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}
