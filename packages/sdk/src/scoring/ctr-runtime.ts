import { locusCtrShape } from '@locus/protocol';
import type { DcnCtrModel, PreparedAds } from '../ctr/index.js';
import { LocusError, toLocusError } from '../errors.js';
import type { ProfileStore } from '../profile/store.js';
import type { BackendChoice, BackendName } from '../types.js';

type CtrModule = typeof import('../ctr/index.js');
export type CtrModel = DcnCtrModel;
type BackendMeasurement = Awaited<ReturnType<CtrModule['chooseBackend']>>;

interface RememberedChoice {
  score: BackendName;
  train: BackendName;
  measuredAt: number;
}

/** A backend measurement is redone after this long (browsers and drivers change). */
const CHOICE_MAX_AGE_MS = 30 * 86_400_000;

/** The local model (trained on this device) and the last global model downloaded (for Δ). */
export const LOCAL_MODEL_ID = 'locus-ctr';
export const GLOBAL_MODEL_ID = 'locus-ctr@global';

export interface CtrRuntimeOptions {
  backend: BackendChoice;
  assetsUrl: string | undefined;
  /** The profile store, when consent allows it (weights and measurements live there). */
  store(): Promise<ProfileStore | null>;
  report(error: LocusError): void;
}

export interface GpuAdapterSummary {
  architecture: string;
  isFallbackAdapter: boolean;
  vendor: string;
}

/**
 * The tfjs side of Locus, loaded only when a model score is needed (a first visit ranks in
 * plain JS): the backend (forced, or measured once and remembered per model shape and browser),
 * the CTR model for the encoder's width (restored from IndexedDB, else the prior), its prepared
 * ads, and a queue that keeps tfjs work (scoring, training, backend switches) one at a time.
 */
export class CtrRuntime {
  private loading: Promise<CtrModule> | undefined;
  private active: BackendName | null = null;
  private adapter: GpuAdapterSummary | undefined;
  private models = new Map<number, Promise<CtrModel>>();
  private prepared: { key: string; version: number; ads: PreparedAds } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private measured = false;
  private disposed = false;

  constructor(private readonly options: CtrRuntimeOptions) {}

  get backend(): BackendName | null {
    return this.active;
  }

  get gpuAdapter(): GpuAdapterSummary | undefined {
    return this.adapter;
  }

  /** Runs tfjs work after the work already queued (tfjs has one global backend). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Loads tfjs and makes a backend current; a forced one that fails falls back to 'auto' (reported). */
  start(): Promise<CtrModule> {
    this.loading ??= (async () => {
      const ctr = await import('../ctr/index.js');
      const { backend, assetsUrl } = this.options;
      try {
        this.active = await ctr.activateBackend(
          backend === 'auto' ? await this.rememberedBackend() : backend,
          assetsUrl,
        );
      } catch (err) {
        if (backend === 'auto') throw err;
        this.options.report(toLocusError('backend-unavailable', err));
        this.active = await ctr.activateBackend('auto', assetsUrl);
      }
      if (this.active === 'webgpu') this.adapter = await ctr.gpuAdapterInfo();
      return ctr;
    })();
    this.loading.catch(() => {
      this.loading = undefined; // a later call may try again
    });
    return this.loading;
  }

  private choiceKey(): string {
    const agent = (globalThis.navigator as { userAgent?: string } | undefined)?.userAgent ?? 'unknown';
    return `ctr-backend|${agent}`;
  }

  /** The backend measured fastest here for scoring, if one was measured lately; else 'auto'. */
  private async rememberedBackend(): Promise<BackendChoice> {
    const store = await this.options.store().catch(() => null);
    const kept = (await store?.measurement(this.choiceKey()).catch(() => undefined)) as
      | RememberedChoice
      | undefined;
    if (kept && Date.now() - kept.measuredAt < CHOICE_MAX_AGE_MS) {
      this.measured = true;
      return kept.score;
    }
    return 'auto';
  }

  /**
   * Measures the backends for this model shape (once, when the page is idle) and switches to the
   * fastest correct one for scoring; the choice is remembered for later page views.
   */
  async measureBackends(dim: number): Promise<BackendMeasurement | undefined> {
    const ctr = await this.start();
    if (this.options.backend !== 'auto' || this.measured || this.disposed) return undefined;
    this.measured = true;
    const gpu = await ctr.gpuAdapterInfo();
    return this.exclusive(async () => {
      const choice = await ctr.chooseBackend({
        shape: locusCtrShape(dim),
        candidates: 300,
        batchSize: 32,
        repeats: 3,
        // A fallback adapter is a CPU rasterizer (SwiftShader): measured elsewhere as 50-100x slower.
        backends: ['wasm', 'webgl', 'cpu', ...(gpu && !gpu.isFallbackAdapter ? (['webgpu'] as const) : [])],
        ...(this.options.assetsUrl ? { assetsUrl: this.options.assetsUrl } : {}),
      });
      const remembered: RememberedChoice = {
        score: choice.score,
        train: choice.train,
        measuredAt: choice.measuredAt,
      };
      const store = await this.options.store().catch(() => null);
      await store?.setMeasurement(this.choiceKey(), { ...remembered }).catch(() => undefined);
      if (choice.score !== this.active)
        this.active = await ctr.activateBackend(choice.score, this.options.assetsUrl);
      return choice;
    });
  }

  /** The CTR model for an encoder of width `dim`: the local weights if kept, else the prior. */
  model(dim: number): Promise<CtrModel> {
    let model = this.models.get(dim);
    if (!model) {
      model = this.start().then(async (ctr) => {
        const shape = locusCtrShape(dim);
        const store = await this.options.store().catch(() => null);
        const saved = await store?.modelWeights(LOCAL_MODEL_ID).catch(() => undefined);
        if (saved) {
          try {
            return ctr.loadCtrModel(saved, { shape });
          } catch (err) {
            // Another encoder's model, or a damaged record: start again from the prior.
            this.options.report(
              new LocusError('storage-corrupt-record', `stored CTR weights not used: ${String(err)}`),
            );
          }
        }
        return ctr.DcnCtrModel.create(shape);
      });
      this.models.set(dim, model);
      model.catch(() => this.models.delete(dim));
    }
    return model;
  }

  /** Ads prepared for scoring, reused while the ad set and the model version stay the same. */
  prepare(model: CtrModel, key: string, ads: () => { id: string; embedding: Float32Array }[]): PreparedAds {
    const current = this.prepared;
    if (current && current.key === key && current.version === model.version) return current.ads;
    current?.ads.dispose();
    const prepared = model.prepareAds(ads().map((ad) => ({ text: ad.embedding, ids: [ad.id] })));
    this.prepared = { key, version: model.version, ads: prepared };
    return prepared;
  }

  /** Keeps the model's weights (local) in IndexedDB, with consent to profiling. */
  async save(model: CtrModel): Promise<void> {
    const ctr = await this.start();
    const store = await this.options.store();
    await store?.saveModelWeights(ctr.saveCtrModel(model));
  }

  dispose(): void {
    this.disposed = true;
    this.prepared?.ads.dispose();
    for (const model of this.models.values()) void model.then((m) => m.dispose()).catch(() => undefined);
    this.models.clear();
  }
}
