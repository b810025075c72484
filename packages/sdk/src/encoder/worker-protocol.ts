import type { LocusErrorCode } from '../errors.js';
import type { EncoderSpec, LoadedEncoder } from './create.js';
import type { DownloadProgress } from './types.js';

/** Messages from the page to the encoder worker. */
export type WorkerRequest =
  | { id: number; type: 'load'; spec: EncoderSpec }
  | { id: number; type: 'embed'; texts: string[] }
  | { id: number; type: 'dispose' };

export interface LoadReply {
  runtime: LoadedEncoder['runtime'];
  device: LoadedEncoder['device'];
  encoderId: string;
  dim: number;
  loadMs: number;
}

/** Messages from the worker: one reply per request, plus download progress. */
export type WorkerReply =
  | { id: number; ok: true; value: LoadReply | Float32Array[] | null }
  | { id: number; ok: false; error: { code: LocusErrorCode; message: string } }
  | { type: 'progress'; progress: DownloadProgress };
