/// <reference lib="webworker" />
/**
 * The federation worker: one round of the secure-aggregation protocol (key agreement, Shamir
 * shares, mask expansion, quantization, HTTP) off the page's main thread. The local update is
 * computed by the page (where the model and its training live) and handed over once.
 */
import { FlHttpError } from './http.js';
import { runFederatedRound } from './round-client.js';
import type { FlWorkerReply, FlWorkerRequest } from './worker-protocol.js';

declare const self: DedicatedWorkerGlobalScope;

const pending = new Map<number, { resolve(update: Float32Array): void; reject(error: Error): void }>();
let nextId = 1;

function reply(message: FlWorkerReply, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

self.onmessage = (event: MessageEvent<FlWorkerRequest>) => {
  const message = event.data;
  if (message.type === 'run') {
    runFederatedRound({
      url: message.url,
      modelId: message.modelId,
      onStage: (stage) => reply({ type: 'stage', stage }),
      computeUpdate: (model) =>
        new Promise<Float32Array>((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { resolve, reject });
          reply({ type: 'compute-update', id, model }, [model.weights.buffer]);
        }),
    }).then(
      (report) => reply({ type: 'done', report }),
      (err: unknown) =>
        reply(
          err instanceof FlHttpError
            ? {
                type: 'failed',
                message: err.message,
                status: err.status,
                code: err.code,
                ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
              }
            : { type: 'failed', message: err instanceof Error ? err.message : String(err) },
        ),
    );
    return;
  }
  const waiting = pending.get(message.id);
  pending.delete(message.id);
  if (message.type === 'update') waiting?.resolve(message.update);
  else waiting?.reject(new Error(message.message));
};
