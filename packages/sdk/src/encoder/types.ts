import type { EncoderDtype } from '../types.js';

/** Turns texts into unit-length embeddings of a fixed dimension. */
export interface Encoder {
  /** Identifies the vector space: embeddings from different ids must never be mixed. */
  readonly id: string;
  readonly model: string;
  readonly dtype: EncoderDtype;
  embed(texts: string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface DownloadProgress {
  file: string;
  loaded: number;
  total: number;
}

export const DEFAULT_ENCODER_MODEL = 'locus-glove-sif';
