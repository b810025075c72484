import { checkCatalog, loadCatalog } from './catalog/validate.js';
import { type ResolvedConfig, resolveConfig } from './config.js';
import { CachedEncoder } from './encoder/cache.js';
import { createTransformersEncoder } from './encoder/transformers.js';
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
  private context: Float32Array | undefined;
  private encoder: Promise<CachedEncoder> | undefined;
  private encoderStatus: LocusInfo['encoder']['status'] = 'idle';
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

  private cachedEncoder(): Promise<CachedEncoder> {
    this.encoder ??= createTransformersEncoder({
      ...this.config.encoder,
      ortWasmUrl: this.config.assetsUrl ? new URL('ort/', this.config.assetsUrl).href : undefined,
      onProgress: (progress) => this.emitter.emit('locus:progress', progress),
    }).then(
      (encoder) => {
        this.encoderStatus = 'ready';
        return new CachedEncoder(encoder, this.store, (err) => this.reportStorage(err));
      },
      (err: unknown) => {
        this.encoderStatus = 'failed';
        this.encoder = undefined; // a later call may retry (e.g. after a network blip)
        throw err;
      },
    );
    return this.encoder;
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

  /** Embeds what the user is reading: it becomes the ranking context and, stored, an interest. */
  private async learnFromText(text: string): Promise<void> {
    if (text === '') return;
    const encoder = await this.cachedEncoder();
    const [embedding] = await encoder.embed([text]);
    if (!embedding || isZero(embedding)) return; // nothing the encoder knows: no signal to keep
    this.context = embedding;
    if (!this.store) return;
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
    const encoder = await this.cachedEncoder();
    const embeddings = await encoder.embed(ads.map((ad) => ad.text));
    const dim = embeddings[0]!.length;

    const interest = await this.store?.interest().catch((err: unknown) => {
      this.reportStorage(err);
      return undefined;
    });
    const profile = interest?.modelId === encoder.encoder.id ? interest.vector : undefined;
    const user = userSignal(profile, this.context, dim);

    const flat = new Float32Array(ads.length * dim);
    embeddings.forEach((embedding, i) => {
      flat.set(embedding, i * dim);
    });
    const pctr = await this.ctrModel(dim).predict(user.vector, flat);
    const scored = ads.map((ad, i) => ({ ad, pctr: pctr[i]!, similarity: dot(user.vector, embeddings[i]!) }));
    return orderAds(scored, user, options.limit);
  }

  private async exportProfile(): Promise<ProfileExport> {
    if (!this.store) return { interest: null, events: [] };
    return this.store.export();
  }

  private async clearProfile(): Promise<void> {
    this.context = undefined;
    this.pageViews = 0;
    this.eventCount = 0;
    (await this.encoder?.catch(() => undefined))?.clearMemory();
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
        status: this.encoderStatus,
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
    const encoder = await this.encoder?.catch(() => undefined);
    await encoder?.encoder.dispose();
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
