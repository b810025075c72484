import { type LocusError, toLocusError } from '../errors.js';
import type { EncoderDtype } from '../types.js';
import { CachedEncoder, type EmbeddingStore } from './cache.js';
import type { EncoderSpec } from './create.js';
import { chooseDevice, type DeviceChoice, type MeasurementCache } from './device-choice.js';
import { KeywordEncoder } from './keyword-encoder.js';
import { isLookupModel, type ModelConfig } from './model-config.js';
import { modelSource } from './model-files.js';
import type { DownloadProgress, Encoder } from './types.js';

export type EncoderStatus = 'idle' | 'deferred' | 'loading' | 'ready' | 'failed';
export type EncoderLoadPolicy = 'idle' | 'eager';

export interface EncoderServiceOptions {
  model: string;
  dtype: EncoderDtype;
  baseUrl: string;
  ortWasmUrl?: string;
  /** encoder-worker.js (the script-tag build serves it beside locus.js); without it the model runs in the page. */
  workerUrl?: URL;
  load: EncoderLoadPolicy;
  store: EmbeddingStore | null;
  onStoreError(err: unknown): void;
  measurements?: MeasurementCache;
  onProgress(progress: DownloadProgress): void;
  onError(error: LocusError): void;
  /** Called once the model is loaded, before anything waiting on it resumes. */
  onReady?(encoder: CachedEncoder): Promise<void>;
}

export interface EncoderDetails {
  status: EncoderStatus;
  runtime?: 'lookup' | 'transformers';
  device?: string;
  loadMs?: number;
  choice?: DeviceChoice;
  reason?: string;
}

const isNode =
  typeof process !== 'undefined' && Boolean(process.versions?.node) && typeof window === 'undefined';
const DEVICE_CHOICE_MAX_AGE_MS = 30 * 86_400_000;

/** Save-Data or a 2G connection: the model download waits until something asks for it. */
function constrainedNetwork(): string | undefined {
  const connection = (globalThis.navigator as { connection?: { saveData?: boolean; effectiveType?: string } })
    ?.connection;
  if (connection?.saveData) return 'Save-Data is on';
  if (connection?.effectiveType === '2g' || connection?.effectiveType === 'slow-2g') {
    return `the connection is ${connection.effectiveType}`;
  }
  return undefined;
}

async function hasGpuAdapter(): Promise<boolean> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  return Boolean(await gpu?.requestAdapter().catch(() => null));
}

/**
 * Owns the text encoders: the keyword encoder that is always ready (contextual ranking), and
 * the configured model, loaded once — in a Web Worker in browsers, in-process in Node — on
 * the device that measured fastest, with its embeddings cached in IndexedDB.
 */
export class EncoderService {
  readonly keywords = new KeywordEncoder();
  private loading: Promise<CachedEncoder> | undefined;
  private ready: CachedEncoder | undefined;
  private state: EncoderDetails = { status: 'idle' };

  constructor(private readonly options: EncoderServiceOptions) {}

  get details(): EncoderDetails {
    return this.state;
  }

  /** The model encoder if it has finished loading (never waits). */
  loaded(): CachedEncoder | undefined {
    return this.ready;
  }

  /** Starts loading per the policy: now ('eager'), or when the page is idle on a fair network. */
  schedule(): void {
    if (this.loading || this.state.status === 'deferred') return;
    if (this.options.load === 'eager') {
      void this.model().catch(() => undefined);
      return;
    }
    const constrained = constrainedNetwork();
    if (constrained) {
      this.state = { status: 'deferred', reason: `${constrained}: the model loads only on demand` };
      return;
    }
    const idle = (globalThis as { requestIdleCallback?: (fn: () => void, opts?: object) => void })
      .requestIdleCallback;
    const start = () => void this.model().catch(() => undefined);
    if (idle) idle(start, { timeout: 5000 });
    else setTimeout(start, 200);
  }

  /** The model encoder, loading it if needed. Failures are reported and a later call retries. */
  model(): Promise<CachedEncoder> {
    this.loading ??= this.start().then(
      async (encoder) => {
        this.ready = encoder;
        await this.options.onReady?.(encoder);
        return encoder;
      },
      (err: unknown) => {
        const error = toLocusError('encoder-failed', err);
        this.state = { status: 'failed', reason: error.message };
        this.loading = undefined;
        this.options.onError(error);
        throw error;
      },
    );
    return this.loading;
  }

  private async start(): Promise<CachedEncoder> {
    this.state = { status: 'loading' };
    const began = performance.now();
    const { model, dtype, baseUrl, ortWasmUrl } = this.options;
    const spec: Omit<EncoderSpec, 'device'> = {
      model,
      dtype,
      baseUrl,
      ...(ortWasmUrl ? { ortWasmUrl } : {}),
    };
    let encoder: Encoder;
    let details: EncoderDetails;
    const workerUrl = this.options.workerUrl;
    if (isNode || typeof Worker === 'undefined' || !workerUrl) {
      const { loadEncoder } = await import('./create.js');
      const loaded = await loadEncoder({ ...spec, device: isNode ? 'cpu' : 'wasm' }, this.options.onProgress);
      encoder = loaded.encoder;
      details = { status: 'ready', runtime: loaded.runtime, device: loaded.device };
    } else {
      ({ encoder, details } = await this.startWorker(workerUrl, spec));
    }
    this.state = { ...details, loadMs: performance.now() - began };
    return new CachedEncoder(encoder, this.options.store, this.options.onStoreError);
  }

  private async startWorker(
    workerUrl: URL,
    spec: Omit<EncoderSpec, 'device'>,
  ): Promise<{ encoder: Encoder; details: EncoderDetails }> {
    const { WorkerEncoder } = await import('./worker-client.js');
    const onProgress = this.options.onProgress;
    const config = await modelSource(spec.baseUrl, spec.model).json<ModelConfig>('config.json');
    if (isLookupModel(config)) {
      const encoder = await WorkerEncoder.start(workerUrl, { ...spec, device: 'wasm', config }, onProgress);
      return { encoder, details: { status: 'ready', runtime: 'lookup', device: 'js' } };
    }
    const key = `encoder-device|${spec.model}|${spec.dtype}|${globalThis.navigator?.userAgent ?? ''}`;
    const cached = (await this.options.measurements?.get(key).catch(() => undefined)) as
      | DeviceChoice
      | undefined;
    if (cached && Date.now() - cached.measuredAt < DEVICE_CHOICE_MAX_AGE_MS) {
      try {
        const encoder = await WorkerEncoder.start(
          workerUrl,
          { ...spec, device: cached.device, config },
          onProgress,
        );
        return {
          encoder,
          details: { status: 'ready', runtime: 'transformers', device: cached.device, choice: cached },
        };
      } catch {
        // The remembered device no longer works (driver change, GPU gone): measure again.
      }
    }
    const { encoder, choice } = await chooseDevice(
      spec,
      (deviceSpec) => WorkerEncoder.start(workerUrl, { ...deviceSpec, config }, onProgress),
      await hasGpuAdapter(),
    );
    await this.options.measurements?.put(key, choice).catch(() => undefined);
    return { encoder, details: { status: 'ready', runtime: 'transformers', device: choice.device, choice } };
  }

  async dispose(): Promise<void> {
    const encoder = await this.loading?.catch(() => undefined);
    await encoder?.encoder.dispose();
    this.loading = undefined;
    this.ready = undefined;
  }
}
