import type { GlobalModel, RoundReport, RoundStage } from './round-client.js';

/** Page → federation worker. */
export type FlWorkerRequest =
  | { type: 'run'; url: string; modelId: string }
  | { type: 'update'; id: number; update: Float32Array }
  | { type: 'update-failed'; id: number; message: string };

/** Federation worker → page. */
export type FlWorkerReply =
  | { type: 'stage'; stage: RoundStage }
  /** The worker needs the local update for this global model (training runs in the page). */
  | { type: 'compute-update'; id: number; model: GlobalModel }
  | { type: 'done'; report: RoundReport }
  | { type: 'failed'; message: string; status?: number; code?: string; retryAfterMs?: number };
