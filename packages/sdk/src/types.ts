/** Public types of the Locus SDK: the contract integrators and tests rely on. */

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;
export type EncoderDtype = 'q8' | 'q4' | 'fp32';

export interface AdCandidate {
  id: string;
  text: string;
  bid?: number;
  advertiser?: string;
  category?: string;
  landingUrl?: string;
  imageUrl?: string;
}

/** A named interest and how much of the profile (or of an ad's appeal) it accounts for. */
export interface InterestWeight {
  /** Category id (from Locus's list or the publisher's taxonomy). */
  id: string;
  label: string;
  weight: number;
}

export interface Explanation {
  /**
   * Interests of the profile that drew this ad, strongest first: each interest's share of the
   * profile times its similarity to the ad. Empty when the profile was not used (no consent,
   * no profile yet).
   */
  interests: InterestWeight[];
  /** The numbers behind the score, so the ranking can be explained and audited. */
  features: {
    /** Cosine between the user vector and the ad's embedding. */
    similarity: number;
    /** Whether the user vector came from the stored profile, the current page, or both. */
    signal: 'profile' | 'context' | 'profile+context' | 'none';
    bid?: number;
  };
  /** The same in words ("You read about trail running"), most important first. */
  reasons?: string[];
}

export interface RankedAd {
  id: string;
  /** What the ads are ordered by: bid × pCTR when the ad has a bid, else pCTR. */
  score: number;
  /** The CTR model's predicted click probability. */
  pctr: number;
  ad: AdCandidate;
  explanation: Explanation;
}

export interface RankOptions {
  slot?: string;
  limit?: number;
}

export type TrackEventType = 'view' | 'click' | 'conversion' | 'dwell';

export interface TrackEvent {
  type: TrackEventType;
  adId?: string;
  /** For `view`: what was read (it updates the interests, with consent). */
  text?: string;
  /** The page the event belongs to; stored only as a hash of origin + path. */
  url?: string;
  /** For `dwell`: visible milliseconds; for `conversion`: its value. */
  value?: number;
  slot?: string;
  /** For ad `view` / `click`: the ad's position in the slot's ranking (0 = first). */
  position?: number;
}

export interface EncoderConfig {
  /** A transformers.js feature-extraction model id (a folder under baseUrl). */
  model?: string;
  /** Where model folders are served (URL or, in Node, a filesystem path). */
  baseUrl?: string;
  dtype?: EncoderDtype;
  /**
   * When the model loads: 'idle' (default) waits until the page is idle and skips Save-Data / 2G
   * connections, so a first page view ranks by keywords without the ML download; 'eager' loads
   * it at once and every call waits for it.
   */
  load?: 'idle' | 'eager';
  /** How long rank() waits for a loading model when the visitor has a profile (ms, default 1500). */
  waitMs?: number;
}

/** What the user allows, per purpose. Each purpose needs `storage` (nothing is kept without it). */
export interface ConsentState {
  /** Keep anything on the device (IAB TCF purpose 1). */
  storage: boolean;
  /** Build an interest profile and use it to choose ads (TCF purposes 3 and 4). */
  profiling: boolean;
  /** Record impressions, clicks, conversions and dwell time (TCF purpose 7 or 9). */
  measurement: boolean;
  /** Take part in federated learning of the shared model (TCF purposes 3, 4 and 10). */
  federation: boolean;
}

export type ConsentPurpose = keyof ConsentState;

/** An explicit choice (`locus.setConsent`): purposes not named keep what the other signals say. */
export type ConsentChoice = Partial<ConsentState>;

export type TcfStatus =
  /** `consent.tcf` is off. */
  | 'off'
  /** No `window.__tcfapi` on the page. */
  | 'absent'
  /** The CMP has not answered yet, or its UI is waiting for the user. */
  | 'pending'
  | 'gdpr-applies'
  | 'gdpr-not-applicable'
  /** The CMP failed or sent a TC string that could not be decoded. */
  | 'error';

export interface ConsentInfo extends ConsentState {
  /** False while a signal Locus must wait for (a CMP) has not answered; nothing is deleted meanwhile. */
  settled: boolean;
  /** `consent.required`: nothing is stored until a signal grants it. */
  required: boolean;
  sources: {
    tcf: {
      status: TcfStatus;
      purposeConsents?: number[];
      purposeLegitimateInterests?: number[];
      cmpId?: number;
    };
    /** navigator.globalPrivacyControl === true (and `consent.gpc` on): no profiling, no federation. */
    gpc: boolean;
    explicit: ConsentChoice | null;
  };
}

export interface ConsentConfig {
  /** Follow an IAB TCF v2.2 CMP on the page (`window.__tcfapi`). Default true. */
  tcf?: boolean;
  /** Honour Global Privacy Control. Default true. */
  gpc?: boolean;
  /** Store nothing until a CMP or `setConsent` grants it. Default false. */
  required?: boolean;
  /** How long createLocus waits for the CMP's first answer. Default 1500 ms. */
  tcfTimeoutMs?: number;
}

export interface StorageConfig {
  dbName?: string;
  /** Interest half-life in days. Default 14. */
  halfLifeDays?: number;
  /** Events, examples, pages and exposures older than this are deleted. Default 90. */
  retentionDays?: number;
  /** The most events kept (oldest deleted first). Default 10,000. */
  maxEvents?: number;
  /** The most cached text embeddings kept (oldest deleted first). Default 5,000. */
  maxCachedEmbeddings?: number;
}

export interface InterestsConfig {
  /** A publisher-provided category list: IAB Content Taxonomy TSV or JSON `[{ id, label, text? }]`. */
  taxonomyUrl?: string;
  /** The most interest clusters kept. Default 5. */
  clusters?: number;
}

/** The ad-serving rules rank() applies after scoring. */
export interface RankingConfig {
  /** Impressions per rolling day and per session, per ad and per advertiser (false: no caps). */
  caps?: { ad?: { day?: number; session?: number }; advertiser?: { day?: number; session?: number } } | false;
  blocklist?: { advertisers?: string[]; categories?: string[] };
  /**
   * Exploration, so the model sees ads it is unsure about: off by default (deterministic), or
   * epsilon-greedy with a decaying epsilon, or Thompson sampling.
   */
  exploration?:
    | 'off'
    | { kind: 'epsilon-greedy'; initial?: number; minimum?: number; halfLife?: number }
    | { kind: 'thompson'; strength?: number };
  /** Seed for the random choices (tests); default: the time of the request. */
  seed?: number;
}

export interface LocusConfig {
  ranking?: RankingConfig;
  catalog?: AdCandidate[] | string;
  encoder?: EncoderConfig;
  backend?: BackendChoice;
  /**
   * Federated learning: the aggregator's federation root (e.g. '/fl'). With it, Locus adopts
   * newer global models and, when the page is idle and consent allows, takes part in a round.
   */
  aggregator?: {
    url: string;
    /** Take part in rounds on its own when idle (default true); federate() works either way. */
    auto?: boolean;
    /** Labelled local examples needed before taking part (default 10). */
    minExamples?: number;
  };
  consent?: ConsentConfig;
  storage?: StorageConfig;
  interests?: InterestsConfig;
  /**
   * Where Locus's runtime files are served (wasm binaries, ONNX Runtime, models).
   * The script-tag build sets it to the folder locus.js came from.
   */
  assetsUrl?: string;
}

export interface StorageInfo {
  available: boolean;
  /** Why storage is not available, when it is not. */
  reason?: string;
  /** The connection: `blocked` (an older tab holds it), `outdated` (a newer tab upgraded it). */
  status: 'open' | 'opening' | 'blocked' | 'closed' | 'outdated' | 'unavailable';
  dbName: string;
  pageViews: number;
  events: number;
  retentionDays: number;
  maxEvents: number;
  /** Bytes of Locus's own records (last measured; see `profile.usage()`). */
  bytes: number;
  /** navigator.storage.estimate() for the whole origin, where the browser has it. */
  estimate?: { usage: number; quota: number };
  /** Whether writes are serialized across tabs with Web Locks (else within this page only). */
  crossTabLocks: boolean;
}

export interface StorageUsage {
  bytes: number;
  stores: Record<string, { records: number; bytes: number }>;
  estimate?: { usage: number; quota: number };
}

export interface ProfileSummary {
  /** The user's top interests, strongest first; weights are shares of the profile (sum <= 1). */
  interests: InterestWeight[];
  /** The interest clusters, each named by its closest category. */
  clusters: { label: string; weight: number; pageViews: number }[];
  pageViews: number;
  updatedAt: number | null;
}

export interface LocusInfo {
  consent: ConsentInfo;
  backend: BackendName | null;
  gpuAdapter?: { architecture: string; isFallbackAdapter: boolean; vendor: string } | undefined;
  encoder: {
    model: string;
    dtype: EncoderDtype;
    status: 'idle' | 'deferred' | 'loading' | 'ready' | 'failed';
    /** 'lookup': plain JS, no ONNX runtime; 'transformers': transformers.js. */
    runtime?: 'lookup' | 'transformers';
    device?: string;
    loadMs?: number;
    reason?: string;
    /** For transformer models: the devices tried and their calibration timings. */
    choice?: {
      device: 'webgpu' | 'wasm';
      trials: { device: 'webgpu' | 'wasm'; ok: boolean; batchMs?: number; error?: string }[];
      measuredAt: number;
    };
  };
  ctrModel: { id: string; version: number; parameters: number };
  /**
   * Exposure fairness: each advertiser's and category's share of this user's impressions over
   * the last 30 days, and their concentration (Herfindahl index). Absent without stored events.
   */
  fairness?: {
    days: number;
    impressions: number;
    advertisers: { key: string; impressions: number; share: number }[];
    categories: { key: string; impressions: number; share: number }[];
    advertiserConcentration: number;
  };
  storage: StorageInfo;
  catalogSize: number;
}

type Vector = number[];

/** Everything Locus stores on this device, as JSON (typed arrays as number arrays). */
export interface ProfileExport {
  format: 'locus-profile';
  /** Database layout version. */
  version: number;
  exportedAt: number;
  consent: { choice: ConsentChoice; updatedAt: number } | null;
  interest: {
    vector: Vector;
    weight: number;
    updatedAt: number;
    pageViews: number;
    modelId: string;
    clusters: { centroid: Vector; weight: number; pageViews: number; updatedAt: number }[];
  } | null;
  events: {
    type: TrackEventType;
    time: number;
    urlHash?: string;
    adId?: string;
    slot?: string;
    dwellMs?: number;
    value?: number;
  }[];
  pages: {
    modelId: string;
    urlHash: string;
    textHash: string;
    vector: Vector;
    time: number;
    visits: number;
    dwellMs: number;
  }[];
  exposures: {
    kind: 'ad' | 'advertiser';
    id: string;
    day: number;
    dayCount: number;
    sessionStart: number;
    sessionCount: number;
    lastAt: number;
    total: number;
  }[];
  examples: {
    adId: string;
    time: number;
    label: 0 | 1;
    slot?: string;
    position?: number;
    features?: Vector;
  }[];
  models: {
    modelId: string;
    weights: Vector;
    layoutVersion: number;
    modelVersion: number;
    updatedAt: number;
  }[];
  measurements: { key: string; value: unknown; updatedAt: number }[];
  embeddings: { key: string; vector: Vector; createdAt: number }[];
}

/** The stages of a federated round on this device, in order (`locus:federation` reports each). */
export type RoundStage = 'model' | 'check-in' | 'share-keys' | 'train' | 'masked-input' | 'unmask' | 'done';

/** What a device reports of a round it completed. */
export interface CompletedRound {
  status: 'completed';
  roundId: string;
  /** The global model version the update was computed against. */
  modelVersion: number;
  cohortSize: number;
  /** Bytes this device sent: protocol messages only. */
  bytesUploaded: number;
  clippingBound: number;
  /** L2 norm of the local update before clipping, and whether clipping scaled it down. */
  updateNorm: number;
  clipped: boolean;
}

export type FederationReport =
  | (CompletedRound & { examples: number })
  | {
      status: 'skipped';
      reason: 'no-aggregator' | 'no-consent' | 'model-not-ready' | 'no-storage' | 'not-enough-data';
      examples?: number;
    }
  | { status: 'not-selected' | 'dropped'; reason: string; bytesUploaded: number }
  | { status: 'failed'; reason: string };

export interface Locus {
  track(event: TrackEvent): Promise<void>;
  observePage(): Promise<void>;
  rank(candidates?: AdCandidate[], options?: RankOptions): Promise<RankedAd[]>;
  readonly profile: {
    /** Everything stored on this device, as JSON. */
    export(): Promise<ProfileExport>;
    /** Deletes everything stored, caches included. */
    clear(): Promise<void>;
    /** The top interests as labels and weights (empty without profiling consent). */
    summary(): Promise<ProfileSummary>;
    /** Bytes per store, measured now (info() shows the last measurement). */
    usage(): Promise<StorageUsage>;
  };
  /**
   * An explicit consent choice (e.g. from the site's own privacy settings). It grants what no
   * other signal (CMP, GPC) denies and can deny anything; a withdrawn purpose's data is
   * deleted at once.
   */
  setConsent(choice: ConsentChoice): Promise<ConsentInfo>;
  /**
   * One federated round if eligible (aggregator configured, consent to federation, enough local
   * examples, the model loaded). Only masked, clipped protocol messages leave the device.
   */
  federate(): Promise<FederationReport>;
  info(): LocusInfo;
  /** Receives `locus:error`, `locus:progress`, `locus:ready`, `locus:slot-filled`, `locus:federation`, ... (also sent to window). */
  readonly events: EventTarget;
  dispose(): Promise<void>;
}
