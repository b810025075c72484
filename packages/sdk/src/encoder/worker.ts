/// <reference lib="webworker" />
/**
 * The encoder's Web Worker: model download, tokenization and inference stay off the page's
 * main thread. One worker holds one model on one device; trying another device means another
 * worker (a failed WebGPU session poisons transformers.js for the rest of its context).
 */
import { toLocusError } from '../errors.js';
import { type LoadedEncoder, loadEncoder } from './create.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

declare const self: DedicatedWorkerGlobalScope;

let loaded: LoadedEncoder | undefined;

function reply(message: WorkerReply, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

async function handle(request: WorkerRequest): Promise<void> {
  try {
    if (request.type === 'load') {
      const start = performance.now();
      loaded = await loadEncoder(request.spec, (progress) => reply({ type: 'progress', progress }));
      const [probe] = await loaded.encoder.embed(['probe']);
      reply({
        id: request.id,
        ok: true,
        value: {
          runtime: loaded.runtime,
          device: loaded.device,
          encoderId: loaded.encoder.id,
          dim: probe?.length ?? 0,
          loadMs: performance.now() - start,
        },
      });
    } else if (request.type === 'embed') {
      if (!loaded) throw new Error('embed before load');
      const vectors = await loaded.encoder.embed(request.texts);
      reply(
        { id: request.id, ok: true, value: vectors },
        vectors.map((v) => v.buffer),
      );
    } else {
      await loaded?.encoder.dispose();
      loaded = undefined;
      reply({ id: request.id, ok: true, value: null });
    }
  } catch (err) {
    const error = toLocusError('encoder-failed', err);
    reply({ id: request.id, ok: false, error: { code: error.code, message: error.message } });
  }
}

// Requests are handled one at a time, in order: inference is not reentrant.
let queue = Promise.resolve();
self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  queue = queue.then(() => handle(event.data));
};
