import { checkCatalog, loadCatalog } from './catalog/validate.js';
import { type ResolvedConfig, resolveConfig } from './config.js';
import { ConsentController } from './consent/controller.js';
import type { CachedEncoder } from './encoder/cache.js';
import { EncoderService } from './encoder/service.js';
import type { Encoder } from './encoder/types.js';
import { LocusError, toLocusError } from './errors.js';
import { Emitter } from './events.js';
import { pageText } from './profile/page-text.js';
import { ProfileService } from './profile/service.js';
import type { ProfileEvent } from './profile/tracking.js';
import { orderAds } from './ranking/rank.js';
import { userSignal } from './ranking/user-vector.js';
import type {
  AdCandidate,
  BackendName,
  ConsentChoice,
  ConsentInfo,
  Locus,
  LocusConfig,
  LocusInfo,
  ProfileSummary,
  RankedAd,
  RankOptions,
  TrackEvent,
} from './types.js';
import { dot, isZero } from './util/vector.js';

type CtrModule = typeof import('./ctr/index.js');
type CtrModelInstance = InstanceType<CtrModule['CtrModel']>;

const TRACK_TYPES = new Set(['view', 'click', 'conversion', 'dwell']);

/** The cached encoder as the profile sees it: an id (the vector space) and embed(). */
const embeddingSource = (encoder: CachedEncoder) => ({
  id: encoder.encoder.id,
  embed: (texts: string[]) => encoder.embed(texts),
});

class LocusInstance implements Locus {
  readonly events: EventTarget;
  readonly profile = {
    export: () => this.profiles.export(),
    clear: () => this.clearProfile(),
    summary: () => this.summary(),
    usage: () => this.profiles.usage(),
  };

  private catalog: AdCandidate[] = [];
  /** What the user is reading now: the ranking context. */
  private page: { text: string; url: string } | undefined;
  /** A page read before the model was ready; learned into the profile once it is. */
  private unlearned: { text: string; url: string } | undefined;
  private readonly encoders: EncoderService;
  private model: CtrModelInstance | undefined;
  private gpuAdapter: LocusInfo['gpuAdapter'];

  constructor(
    private readonly config: ResolvedConfig,
    private readonly emitter: Emitter,
    private readonly ctr: CtrModule,
    private readonly backend: BackendName,
    private readonly consent: ConsentController,
    private readonly profiles: ProfileService,
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
      store: () => profiles.storeForCache(),
      onProgress: (progress) => emitter.emit('locus:progress', progress),
      onError: (error) => emitter.error(error),
      onStoreError: (err) => profiles.report(err),
      onReady: (encoder) => this.learnUnlearned(encoder),
    });
  }

  async start(): Promise<void> {
    if (this.backend === 'webgpu') this.gpuAdapter = await this.ctr.gpuAdapterInfo();
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
    await this.learnFromText(pageText(document), location.href);
  }

  /**
   * What the user reads becomes the ranking context at once and, embedded by the model and with
   * consent, an interest: now if the model is ready (or loads eagerly), else once it loads.
   */
  private async learnFromText(text: string, url: string): Promise<void> {
    if (text === '') return;
    this.page = { text, url };
    if (this.config.encoder.load === 'idle' && !this.encoders.loaded()) {
      this.unlearned = this.page;
      this.encoders.schedule();
      return;
    }
    // A model that failed to load was reported; the page still counts as ranking context.
    const encoder = await this.encoders.model().catch(() => undefined);
    if (encoder) await this.learn(encoder, text, url);
  }

  private async learnUnlearned(encoder: CachedEncoder): Promise<void> {
    const page = this.unlearned;
    this.unlearned = undefined;
    if (!page) return;
    await this.learn(encoder, page.text, page.url).catch((err: unknown) =>
      this.emitter.error(toLocusError('encoder-failed', err)),
    );
  }

  private async learn(encoder: CachedEncoder, text: string, url: string): Promise<void> {
    const [embedding] = await encoder.embed([text]);
    if (!embedding || isZero(embedding)) return; // nothing the encoder knows: no signal to keep
    await this.profiles.recordPage(embedding, encoder.encoder.id, url, text);
  }

  async track(event: TrackEvent): Promise<void> {
    if (typeof event !== 'object' || event === null || !TRACK_TYPES.has(event.type)) {
      throw new LocusError('invalid-config', `track() needs a type of ${[...TRACK_TYPES].join(', ')}`);
    }
    const url = typeof event.url === 'string' ? event.url : globalThis.location?.href;
    if (event.type === 'view' && event.text) await this.learnFromText(String(event.text), url ?? '');
    const recorded: ProfileEvent = { type: event.type, time: Date.now() };
    if (event.adId !== undefined) {
      recorded.adId = String(event.adId);
      const advertiser = this.catalog.find((ad) => ad.id === recorded.adId)?.advertiser;
      if (advertiser) recorded.advertiser = advertiser;
    }
    if (event.slot !== undefined) recorded.slot = String(event.slot);
    if (url) recorded.url = url;
    if (typeof event.value === 'number' && Number.isFinite(event.value)) recorded.value = event.value;
    if (Number.isInteger(event.position) && (event.position as number) >= 0)
      recorded.position = event.position;
    await this.profiles.track(recorded);
  }

  async rank(candidates?: AdCandidate[], options: RankOptions = {}): Promise<RankedAd[]> {
    const ads = candidates === undefined ? this.catalog : this.validated(candidates);
    if (ads.length === 0) return [];
    const model = await this.rankingModel();
    const encoder: Pick<Encoder, 'embed'> = model ?? this.encoders.keywords;
    const [embeddings, [context]] = await Promise.all([
      encoder.embed(ads.map((ad) => ad.text)),
      this.page ? encoder.embed([this.page.text]) : Promise.resolve([undefined]),
    ]);
    const dim = embeddings[0]!.length;

    // The profile lives in the model's vector space: without the model, or without consent to
    // profiling, the ranking is contextual only.
    const interest = model ? await this.profiles.interestFor(model.encoder.id) : undefined;
    const user = userSignal(interest?.vector, context, dim);

    const flat = new Float32Array(ads.length * dim);
    embeddings.forEach((embedding, i) => {
      flat.set(embedding, i * dim);
    });
    const pctr = await this.ctrModel(dim).predict(user.vector, flat);
    const scored = ads.map((ad, i) => ({ ad, pctr: pctr[i]!, similarity: dot(user.vector, embeddings[i]!) }));
    const ranked = orderAds(scored, user, options.limit);
    if (model && interest && user.signal.startsWith('profile')) {
      const vectorOf = new Map(ads.map((ad, i) => [ad.id, embeddings[i]!]));
      const why = await this.profiles.explain(
        interest,
        embeddingSource(model),
        ranked.map((r) => ({ id: r.id, vector: vectorOf.get(r.id)! })),
      );
      for (const r of ranked) r.explanation.interests = why.get(r.id) ?? [];
    }
    return ranked;
  }

  /**
   * The model if it is ready. A visitor with a profile is worth a short wait for it (its files
   * are usually in the HTTP cache by then); a first visit ranks contextually at once.
   */
  private async rankingModel(): Promise<CachedEncoder | undefined> {
    const ready = this.encoders.loaded();
    if (ready) return ready;
    if (this.config.encoder.load === 'eager') return this.encoders.model().catch(() => undefined);
    if (this.profiles.info().pageViews === 0) {
      this.encoders.schedule();
      return undefined;
    }
    const loading = this.encoders.model().catch(() => undefined);
    const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, this.config.encoder.waitMs));
    return Promise.race([loading, timeout]);
  }

  private async summary(): Promise<ProfileSummary> {
    return this.profiles.summary(embeddingSource(await this.encoders.model()));
  }

  setConsent(choice: ConsentChoice): Promise<ConsentInfo> {
    return this.profiles.setConsent(choice);
  }

  private async clearProfile(): Promise<void> {
    this.page = undefined;
    this.unlearned = undefined;
    this.encoders.loaded()?.clearMemory();
    await this.profiles.clear();
  }

  info(): LocusInfo {
    const model = this.model;
    return {
      consent: this.consent.info,
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
      storage: this.profiles.info(),
      catalogSize: this.catalog.length,
    };
  }

  async dispose(): Promise<void> {
    this.model?.dispose();
    this.model = undefined;
    await this.encoders.dispose();
    await this.profiles.dispose();
  }
}

/**
 * Creates a Locus instance. A bad config rejects with a typed `LocusError`; everything that can
 * degrade instead (no IndexedDB, a malformed catalog entry, a backend that will not start, a
 * broken CMP) is reported through `locus:error` and Locus carries on.
 */
export async function createLocus(config: LocusConfig = {}): Promise<Locus> {
  const resolved = resolveConfig(config);
  const emitter = new Emitter();

  // The CMP answers while the model runtime loads.
  const consent = new ConsentController({
    ...resolved.consent,
    win: typeof window !== 'undefined' ? window : undefined,
    nav: globalThis.navigator,
    channelName: `locus-consent:${resolved.dbName}`,
    report: (error) => emitter.error(error),
  });
  const consentReady = consent.start();

  const ctr = await import('./ctr/index.js');
  let backend: BackendName;
  try {
    backend = await ctr.activateBackend(resolved.backend, resolved.assetsUrl);
  } catch (err) {
    if (resolved.backend === 'auto') throw err;
    emitter.error(toLocusError('backend-unavailable', err));
    backend = await ctr.activateBackend('auto', resolved.assetsUrl);
  }

  await consentReady;
  const profiles = await ProfileService.create({
    dbName: resolved.dbName,
    halfLifeDays: resolved.halfLifeDays,
    retentionDays: resolved.retentionDays,
    maxEvents: resolved.maxEvents,
    maxCachedEmbeddings: resolved.maxCachedEmbeddings,
    clusters: resolved.interests.clusters,
    taxonomyUrl: resolved.interests.taxonomyUrl,
    consent,
    emitter,
  });

  const locus = new LocusInstance(resolved, emitter, ctr, backend, consent, profiles);
  await locus.start();
  emitter.emit('locus:ready', { backend });
  return locus;
}
