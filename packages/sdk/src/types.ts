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

export interface Explanation {
  /** Interests of the profile that drew this ad, strongest first. */
  interests: { label: string; weight: number }[];
  /** The numbers behind the score, so the ranking can be explained and audited. */
  features: {
    /** Cosine between the user vector and the ad's embedding. */
    similarity: number;
    /** Whether the user vector came from the stored profile, the current page, or both. */
    signal: 'profile' | 'context' | 'profile+context' | 'none';
    bid?: number;
  };
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
  text?: string;
  url?: string;
  value?: number;
  slot?: string;
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

export interface LocusConfig {
  catalog?: AdCandidate[] | string;
  encoder?: EncoderConfig;
  backend?: BackendChoice;
  aggregator?: { url: string };
  storage?: { dbName?: string; halfLifeDays?: number };
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
  dbName: string;
  pageViews: number;
  events: number;
}

export interface LocusInfo {
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
  };
  ctrModel: { id: string; version: number; parameters: number };
  storage: StorageInfo;
  catalogSize: number;
}

export interface ProfileExport {
  interest: {
    vector: number[];
    weight: number;
    updatedAt: number;
    pageViews: number;
    modelId: string;
  } | null;
  events: { type: TrackEventType; time: number; adId?: string; slot?: string; value?: number }[];
}

export interface Locus {
  track(event: TrackEvent): Promise<void>;
  observePage(): Promise<void>;
  rank(candidates?: AdCandidate[], options?: RankOptions): Promise<RankedAd[]>;
  readonly profile: {
    export(): Promise<ProfileExport>;
    clear(): Promise<void>;
  };
  info(): LocusInfo;
  /** Receives `locus:error`, `locus:progress`, `locus:ready`, `locus:slot-filled` (also sent to window). */
  readonly events: EventTarget;
  dispose(): Promise<void>;
}
