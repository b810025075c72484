import { FlHttpError } from './http.js';
import type { GlobalModel, RoundReport, RoundStage } from './round-client.js';
import type { FlWorkerReply, FlWorkerRequest } from './worker-protocol.js';

export interface WorkerRoundOptions {
  url: string;
  modelId: string;
  computeUpdate(model: GlobalModel): Promise<Float32Array>;
  onStage?(stage: RoundStage): void;
}

/**
 * Runs one round in the federation worker (fl-worker.js beside locus.js), answering its request
 * for the local update. Failures come back as the FlHttpError the worker saw, so the caller's
 * retry rules apply unchanged.
 */
export function runRoundInWorker(workerUrl: URL, options: WorkerRoundOptions): Promise<RoundReport> {
  const url = new URL(options.url, globalThis.location?.href).href; // the worker resolves against its own URL
  const worker = new Worker(workerUrl, { type: 'module', name: 'locus-federation' });
  const send = (message: FlWorkerRequest, transfer: Transferable[] = []) =>
    worker.postMessage(message, transfer);
  return new Promise<RoundReport>((resolve, reject) => {
    worker.onerror = (event) => {
      event.preventDefault?.();
      reject(new Error(`federation worker failed: ${event.message || 'it could not start'}`));
    };
    worker.onmessage = (event: MessageEvent<FlWorkerReply>) => {
      const message = event.data;
      if (message.type === 'stage') options.onStage?.(message.stage);
      else if (message.type === 'compute-update') {
        options.computeUpdate(message.model).then(
          (update) => send({ type: 'update', id: message.id, update }, [update.buffer]),
          (err: unknown) =>
            send({
              type: 'update-failed',
              id: message.id,
              message: err instanceof Error ? err.message : String(err),
            }),
        );
      } else if (message.type === 'done') resolve(message.report);
      else {
        reject(
          message.status !== undefined && message.code !== undefined
            ? new FlHttpError(message.status, message.code, message.message, message.retryAfterMs)
            : new Error(message.message),
        );
      }
    };
    send({ type: 'run', url, modelId: options.modelId });
  }).finally(() => worker.terminate());
}
