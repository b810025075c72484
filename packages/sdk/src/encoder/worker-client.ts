import { LocusError } from '../errors.js';
import type { EncoderDtype } from '../types.js';
import type { EncoderSpec } from './create.js';
import type { DownloadProgress, Encoder } from './types.js';
import type { LoadReply, WorkerReply, WorkerRequest } from './worker-protocol.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: LocusError) => void };
type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** An Encoder whose model runs in a dedicated Web Worker. */
export class WorkerEncoder implements Encoder {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private broken: LocusError | undefined;
  info: LoadReply | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly model: string,
    readonly dtype: EncoderDtype,
    onProgress?: (progress: DownloadProgress) => void,
  ) {
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const message = event.data;
      if ('type' in message) {
        onProgress?.(message.progress);
        return;
      }
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!pending) return;
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new LocusError(message.error.code, message.error.message));
    };
    // A worker that cannot start or crashes fails every call, now and later, with a reason.
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.fail(
        new LocusError('encoder-failed', `encoder worker failed: ${event.message || 'it could not start'}`),
      );
    };
  }

  get id(): string {
    return this.info?.encoderId ?? `${this.model}|${this.dtype}`;
  }

  /**
   * Starts the worker script `workerUrl` (encoder-worker.js, served beside locus.js) and loads
   * `spec` in it; rejects (and terminates it) if loading fails.
   */
  static async start(
    workerUrl: URL,
    spec: EncoderSpec,
    onProgress?: (progress: DownloadProgress) => void,
  ): Promise<WorkerEncoder> {
    const worker = new Worker(workerUrl, { type: 'module', name: 'locus-encoder' });
    const client = new WorkerEncoder(worker, spec.model, spec.dtype, onProgress);
    try {
      client.info = (await client.call({ type: 'load', spec })) as LoadReply;
      return client;
    } catch (err) {
      worker.terminate();
      throw err;
    }
  }

  private call(request: Request): Promise<unknown> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  private fail(error: LocusError): void {
    this.broken = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    return (await this.call({ type: 'embed', texts })) as Float32Array[];
  }

  async dispose(): Promise<void> {
    if (!this.broken) await this.call({ type: 'dispose' }).catch(() => undefined);
    this.worker.terminate();
    this.fail(new LocusError('encoder-failed', 'the encoder was disposed'));
  }
}
