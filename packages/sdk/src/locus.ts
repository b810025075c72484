import { checkCatalog, loadCatalog } from './catalog/validate.js';
import { type ResolvedConfig, resolveConfig } from './config.js';
import type { CachedEncoder } from './encoder/cache.js';
import { EncoderService } from './encoder/service.js';
import type { Encoder } from './encoder/types.js';
import { LocusError, toLocusError } from './errors.js';
import { Emitter } from './events.js';
import { pageText } from './profile/page-text.js';
import { ProfileStore } from './profile/store.js';
import { orderAds } from './ranking/rank.js';
import { userSignal } from './ranking/user-vector.js';
import type {
  AdCandidate,
  BackendName,
  Locus,
  LocusConfig,
  LocusInfo,
  ProfileExport,
  RankedAd,
  RankOptions,
  TrackEvent,
} from './types.js';
import { dot, isZero } from './util/vector.js';

type CtrModule = typeof import('./ctr/index.js');
type CtrModelInstance = InstanceType<CtrModule['CtrModel']>;

const TRACK_TYPES = new Set(['view', 'click', 'conversion', 'dwell']);

class LocusInstance implements Locus {
  readonly events: EventTarget;
  readonly profile = {
    export: () => this.exportProfile(),
    clear: () => this.clearProfile(),
  };

  private catalog: AdCandidate[] = [];
  /** What the user is reading now: the ranking context. */
  private pageText = '';
  /** Page text read before the model was ready; learned into the profile once it is. */
  private unlearnedText: string | undefined;
  private readonly encoders: EncoderService;
  private model: CtrModelInstance | undefined;
  private gpuAdapter: LocusInfo['gpuAdapter'];
  private pageViews = 0;
  private eventCount = 0;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly emitter: Emitter,
    private readonly ctr: CtrModule,
    private readonly backend: BackendName,
    private readonly store: ProfileStore | null,
    private readonly storageReason: string | undefined,
  ) {
    this.events = emitter.target;
    this.encoders = new EncoderService({
      ...config.encoder,
      ...(config.assetsUrl
        ? {
            ortWasmUrl: new URL('ort/', config.assetsUrl).href,
            workerUrl: new URL('encoder-worker.js', config.assetsUrl),
          }
        : {}),
      store,
      onProgress: (progress) => emitter.emit('locus:progress', progress),
      onError: (error) => emitter.error(error),
      onReady: (encoder) => this.learnUnlearned(encoder),
    });
  }

  async start(): Promise<void> {
    if (this.backend === 'webgpu') this.gpuAdapter = await this.ctr.gpuAdapterInfo();
    if (this.store) {
      try {
        const [interest, events] = await Promise.all([this.store.interest(), this.store.countEvents()]);
        this.pageViews = interest?.pageViews ?? 0;
        this.eventCount = events;
      } catch (err) {
        this.reportStorage(err);
      }
    }
    if (this.config.catalog !== undefined) {
      try {
        this.catalog = this.validated(await loadCatalog(this.config.catalog));
      } catch (err) {
        this.emitter.error(toLocusError('catalog-unavailable', err));
      }
    }
  }

  private validated(entries: unknown): AdCandidate[] {
    const { ads, rejected } = checkCatalog(entries);
    for (const error of rejected) this.emitter.error(error);
    return ads;
  }

  private reportStorage(err: unknown): void {
    this.emitter.error(toLocusError('storage-failed', err));
  }

  private ctrModel(dim: number): CtrModelInstance {
    if (!this.model || this.model.shape.dim !== dim) {
      this.model?.dispose();
      this.model = this.ctr.CtrModel.initial({ dim, hidden: this.ctr.CTR_HIDDEN });
    }
    return this.model;
  }

  async observePage(): Promise<void> {
    if (typeof document === 'undefined')
      throw new LocusError('invalid-config', 'observePage() needs a document');
    await this.learnFromText(pageText(document));
  }

  /**
   * What the user reads becomes the ranking context at once and, embedded by the model, an
   * interest in the profile: now if the model is ready (or loads eagerly), else once it loads.
   */
  private async learnFromText(text: string): Promise<void> {
    if (text === '') return;
    this.pageText = text;
    if (this.config.encoder.load === 'idle' && !this.encoders.loaded()) {
      this.unlearnedText = text;
      this.encoders.schedule();
      return;
    }
    // A model that failed to load was reported; the page still counts as ranking context.
    const encoder = await this.encoders.model().catch(() => undefined);
    if (encoder) await this.learn(encoder, text);
  }

  private async learnUnlearned(encoder: CachedEncoder): Promise<void> {
    const text = this.unlearnedText;
    this.unlearnedText = undefined;
    if (!text) return;
    await this.learn(encoder, text).catch((err: unknown) =>
      this.emitter.error(toLocusError('encoder-failed', err)),
    );
  }

  private async learn(encoder: CachedEncoder, text: string): Promise<void> {
    const [embedding] = await encoder.embed([text]);
    if (!embedding || isZero(embedding) || !this.store) return; // no signal, or nowhere to keep it
    try {
      const state = await this.store.addPageView(
        embedding,
        encoder.encoder.id,
        Date.now(),
        this.config.halfLifeDays,
      );
      this.pageViews = state.pageViews;
    } catch (err) {
      this.reportStorage(err);
    }
  }

  async track(event: TrackEvent): Promise<void> {
    if (typeof event !== 'object' || event === null || !TRACK_TYPES.has(event.type)) {
      throw new LocusError('invalid-config', `track() needs a type of ${[...TRACK_TYPES].join(', ')}`);
    }
    if (event.type === 'view' && event.text) await this.learnFromText(event.text);
    if (!this.store) return;
    const stored: Parameters<ProfileStore['addEvent']>[0] = { type: event.type, time: Date.now() };
    if (event.adId !== undefined) stored.adId = String(event.adId);
    if (event.slot !== undefined) stored.slot = String(event.slot);
    if (typeof event.value === 'number' && Number.isFinite(event.value)) stored.value = event.value;
    try {
      await this.store.addEvent(stored);
      this.eventCount++;
    } catch (err) {
      this.reportStorage(err);
    }
  }

  async rank(candidates?: AdCandidate[], options: RankOptions = {}): Promise<RankedAd[]> {
    const ads = candidates === undefined ? this.catalog : this.validated(candidates);
    if (ads.length === 0) return [];
    const model = await this.rankingModel();
    const encoder: Pick<Encoder, 'embed'> = model ?? this.encoders.keywords;
    const [embeddings, [context]] = await Promise.all([
      encoder.embed(ads.map((ad) => ad.text)),
      this.pageText ? encoder.embed([this.pageText]) : Promise.resolve([undefined]),
    ]);
    const dim = embeddings[0]!.length;

    // The profile lives in the model's vector space: without the model, rank by context alone.
    const interest = model
      ? await this.store?.interest().catch((err: unknown) => {
          this.reportStorage(err);
          return undefined;
        })
      : undefined;
    const profile = model && interest?.modelId === model.encoder.id ? interest.vector : undefined;
    const user = userSignal(profile, context, dim);

    const flat = new Float32Array(ads.length * dim);
    embeddings.forEach((embedding, i) => {
      flat.set(embedding, i * dim);
    });
    const pctr = await this.ctrModel(dim).predict(user.vector, flat);
    const scored = ads.map((ad, i) => ({ ad, pctr: pctr[i]!, similarity: dot(user.vector, embeddings[i]!) }));
    return orderAds(scored, user, options.limit);
  }

  /**
   * The model if it is ready. A visitor with a profile is worth a short wait for it (its files
   * are usually in the HTTP cache by then); a first visit ranks contextually at once.
   */
  private async rankingModel(): Promise<CachedEncoder | undefined> {
    const ready = this.encoders.loaded();
    if (ready) return ready;
    if (this.config.encoder.load === 'eager') return this.encoders.model().catch(() => undefined);
    if (this.pageViews === 0) {
      this.encoders.schedule();
      return undefined;
    }
    const loading = this.encoders.model().catch(() => undefined);
    const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, this.config.encoder.waitMs));
    return Promise.race([loading, timeout]);
  }

  private async exportProfile(): Promise<ProfileExport> {
    if (!this.store) return { interest: null, events: [] };
    return this.store.export();
  }

  private async clearProfile(): Promise<void> {
    this.pageText = '';
    this.unlearnedText = undefined;
    this.pageViews = 0;
    this.eventCount = 0;
    this.encoders.loaded()?.clearMemory();
    await this.store?.clear();
  }

  info(): LocusInfo {
    const model = this.model;
    return {
      backend: this.backend,
      gpuAdapter: this.gpuAdapter,
      encoder: {
        model: this.config.encoder.model,
        dtype: this.config.encoder.dtype,
        ...this.encoders.details,
      },
      ctrModel: {
        id: this.ctr.CTR_MODEL_ID,
        version: model?.version ?? 0,
        parameters: model?.parameters ?? 0,
      },
      storage: {
        available: this.store !== null,
        ...(this.storageReason ? { reason: this.storageReason } : {}),
        dbName: this.config.dbName,
        pageViews: this.pageViews,
        events: this.eventCount,
      },
      catalogSize: this.catalog.length,
    };
  }

  async dispose(): Promise<void> {
    this.model?.dispose();
    this.model = undefined;
    await this.encoders.dispose();
    this.store?.close();
  }
}

/**
 * Creates a Locus instance. A bad config rejects with a typed `LocusError`; everything that can
 * degrade instead (no IndexedDB, a malformed catalog entry, a backend that will not start) is
 * reported through `locus:error` and Locus carries on.
 */
export async function createLocus(config: LocusConfig = {}): Promise<Locus> {
  const resolved = resolveConfig(config);
  const emitter = new Emitter();

  const ctr = await import('./ctr/index.js');
  let backend: BackendName;
  try {
    backend = await ctr.activateBackend(resolved.backend, resolved.assetsUrl);
  } catch (err) {
    if (resolved.backend === 'auto') throw err;
    emitter.error(toLocusError('backend-unavailable', err));
    backend = await ctr.activateBackend('auto', resolved.assetsUrl);
  }

  let store: ProfileStore | null = null;
  let storageReason: string | undefined;
  try {
    store = await ProfileStore.open(resolved.dbName);
  } catch (err) {
    const error = toLocusError('storage-unavailable', err);
    storageReason = error.message;
    emitter.error(error);
  }

  const locus = new LocusInstance(resolved, emitter, ctr, backend, store, storageReason);
  await locus.start();
  emitter.emit('locus:ready', { backend });
  return locus;
}
