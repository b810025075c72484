import { CTR_MODEL_ID } from '@locus/protocol';
import { checkCatalog, loadCatalog } from './catalog/validate.js';
import { type ResolvedConfig, resolveConfig } from './config.js';
import { ConsentController } from './consent/controller.js';
import type { CachedEncoder } from './encoder/cache.js';
import { EncoderService } from './encoder/service.js';
import { LocusError, toLocusError } from './errors.js';
import { Emitter } from './events.js';
import type { Federation } from './fl/federation.js';
import { pageText } from './profile/page-text.js';
import { impressionRecords } from './profile/ranking-inputs.js';
import { ProfileService } from './profile/service.js';
import type { ProfileEvent } from './profile/tracking.js';
import { type ExposureFairnessReport, exposureFairness } from './ranking/index.js';
import { CtrRuntime } from './scoring/ctr-runtime.js';
import { OnlineLearning } from './scoring/learning.js';
import { Ranker, type ScoredImpression, type ScoredRanking } from './scoring/ranker.js';
import type {
  AdCandidate,
  ConsentChoice,
  ConsentInfo,
  FederationReport,
  Locus,
  LocusConfig,
  LocusInfo,
  ProfileSummary,
  RankedAd,
  RankOptions,
  TrackEvent,
} from './types.js';
import { isZero } from './util/vector.js';

const TRACK_TYPES = new Set(['view', 'click', 'conversion', 'dwell']);

/** Runs `work` when the page is idle (soon, where there is no requestIdleCallback). */
function idle(work: () => void): void {
  const request = (globalThis as { requestIdleCallback?: (fn: () => void, opts?: object) => void })
    .requestIdleCallback;
  if (request) request(work, { timeout: 10_000 });
  else setTimeout(work, 500);
}

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
  private readonly ctr: CtrRuntime;
  private readonly ranker: Ranker;
  /**
   * What the model saw in the latest rankings, newest first: an impression of an ad one of them
   * placed becomes a training example.
   */
  private scored: ScoredRanking[] = [];
  private ctrModel: { version: number; parameters: number } | undefined;
  /** Share of impressions per advertiser and category over 30 days (refreshed after impressions). */
  private fairness: ExposureFairnessReport | undefined;
  /** The encoder width once the model path ran (the CTR model's shape depends on it). */
  private modelDim: number | undefined;
  private readonly learning: OnlineLearning;
  /** Loaded on first use (the protocol's crypto is a chunk of its own). */
  private federation: Promise<Federation> | undefined;
  private federationStarted = false;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly emitter: Emitter,
    private readonly consent: ConsentController,
    private readonly profiles: ProfileService,
  ) {
    this.events = emitter.target;
    this.ctr = new CtrRuntime({
      backend: config.backend,
      assetsUrl: config.assetsUrl,
      store: () => profiles.storeForCache(),
      report: (error) => emitter.error(error),
    });
    this.encoders = new EncoderService({
      ...config.encoder,
      ...(config.assetsUrl
        ? {
            ortWasmUrl: new URL('ort/', config.assetsUrl).href,
            workerUrl: new URL('encoder-worker.js', config.assetsUrl),
          }
        : {}),
      store: () => profiles.storeForCache(),
      // The measured WebGPU/WASM choice for transformer models, remembered per model and browser.
      measurements: {
        get: async (key) => (await profiles.storeForCache())?.measurement(key),
        put: async (key, value) => (await profiles.storeForCache())?.setMeasurement(key, value as never),
      },
      onProgress: (progress) => emitter.emit('locus:progress', progress),
      onError: (error) => emitter.error(error),
      onStoreError: (err) => profiles.report(err),
      onReady: (encoder) => this.learnUnlearned(encoder),
    });
    this.learning = new OnlineLearning(this.ctr, () => profiles.storeForCache());
    const { caps, blocklist, exploration, seed } = config.ranking;
    this.ranker = new Ranker(this.ctr, profiles, this.encoders.keywords, {
      caps,
      blocklist,
      exploration:
        exploration === 'off'
          ? { kind: 'none' }
          : exploration.kind === 'thompson'
            ? exploration
            : { ...exploration, impressions: 0 },
      seed,
    });
  }

  /** Recomputes the exposure-fairness report from the impression log (measurement data). */
  private async refreshFairness(): Promise<void> {
    const store = await this.profiles.storeForCache().catch(() => null);
    if (!store) return;
    const now = Date.now();
    this.fairness = exposureFairness(await impressionRecords(store, this.catalog, now), now, 30);
  }

  /** The catalog, and a forced backend (asked for by name: the caller wants it now). */
  async start(catalog: Promise<unknown> | undefined): Promise<void> {
    const backend = this.config.backend === 'auto' ? undefined : this.ctr.start().catch(() => undefined);
    if (catalog) {
      try {
        this.catalog = this.validated(await catalog);
      } catch (err) {
        this.emitter.error(toLocusError('catalog-unavailable', err));
      }
    }
    await backend;
    idle(() => void this.refreshFairness().catch(() => undefined));
  }

  private validated(entries: unknown): AdCandidate[] {
    const { ads, rejected } = checkCatalog(entries);
    for (const error of rejected) this.emitter.error(error);
    return ads;
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
    if (event.type === 'view' && recorded.adId) {
      const features = await this.impressionFeatures(recorded.adId);
      if (features) recorded.features = features;
    }
    await this.profiles.track(recorded);
    if (event.type === 'click') this.ranker.clicked();
    if (event.type === 'view' && recorded.adId) {
      this.ranker.shown();
      idle(() => void this.refreshFairness().catch(() => undefined));
    }
    const dim = this.modelDim;
    if (dim && recorded.adId) idle(() => void this.learning.maybeTrain(dim).catch(() => undefined));
  }

  async rank(candidates?: AdCandidate[], options: RankOptions = {}): Promise<RankedAd[]> {
    const ads = candidates === undefined ? this.catalog : this.validated(candidates);
    if (ads.length === 0) return [];
    const model = await this.rankingModel();
    const outcome = await this.ranker.rank(
      { ads, pageText: this.page?.text, slot: options.slot, limit: options.limit, now: Date.now() },
      model,
    );
    for (const skip of outcome.skipped) {
      if (skip.reason === 'missing-bid' || skip.reason === 'invalid-bid' || skip.reason === 'invalid-pctr') {
        this.emitter.error(
          new LocusError('invalid-catalog-entry', `ad "${skip.id}" skipped: ${skip.detail ?? skip.reason}`),
        );
      }
    }
    if (outcome.scored) this.rememberScored(outcome.scored);
    const dim = outcome.modelDim;
    if (dim) {
      this.modelDim = dim;
      const ctr = await this.ctr.model(dim);
      this.ctrModel = { version: ctr.version, parameters: ctr.parameterCount };
      idle(() => this.backgroundWork(dim));
    }
    return outcome.ranked;
  }

  /**
   * What runs when the page is idle once the model is in use: measuring the tfjs backends (once),
   * learning from new impressions, and federated learning (adopt newer global models; take part
   * in a round when eligible), each reported, never thrown.
   */
  private backgroundWork(dim: number): void {
    const report = (code: 'backend-unavailable' | 'storage-failed' | 'federation-failed') => (err: unknown) =>
      this.emitter.error(toLocusError(code, err));
    void this.ctr.measureBackends(dim).catch(report('backend-unavailable'));
    void this.learning.recheck(dim).catch(report('storage-failed'));
    if (this.config.aggregator && !this.federationStarted) {
      this.federationStarted = true;
      void (async () => {
        const federation = await this.loadFederation();
        await federation.syncGlobalModel();
        if (this.config.aggregator?.auto) {
          const result = await federation.federate();
          if (result.status === 'failed') report('federation-failed')(new Error(result.reason));
        }
      })().catch(report('federation-failed'));
    }
  }

  async federate(): Promise<FederationReport> {
    if (!this.config.aggregator) return { status: 'skipped', reason: 'no-aggregator' };
    return (await this.loadFederation()).federate();
  }

  private loadFederation(): Promise<Federation> {
    const aggregator = this.config.aggregator!;
    this.federation ??= import('./fl/federation.js').then(
      ({ DEFAULT_FEDERATION, Federation }) =>
        new Federation(
          {
            url: aggregator.url,
            ...DEFAULT_FEDERATION,
            minExamples: aggregator.minExamples,
            ...(this.config.assetsUrl ? { workerUrl: new URL('fl-worker.js', this.config.assetsUrl) } : {}),
          },
          {
            ctr: this.ctr,
            store: () => this.profiles.storeForCache(),
            allowed: () => this.consent.allows('federation'),
            dim: () => this.modelDim,
            onStage: (stage) => this.emitter.emit('locus:federation', { stage }),
          },
        ),
    );
    return this.federation;
  }

  private rememberScored(ranking: ScoredRanking): void {
    // Bounded: the latest rankings' ads are what slots show.
    this.scored = [ranking, ...this.scored.slice(0, 7)];
  }

  /** What the model saw for this ad when it was ranked, encoded for training (model path only). */
  private async impressionFeatures(adId: string): Promise<Float32Array | undefined> {
    let seen: ScoredImpression | undefined;
    for (const ranking of this.scored) {
      seen = ranking.get(adId);
      if (seen) break;
    }
    if (!seen) return undefined;
    const ctr = await this.ctr.start();
    const codec = new ctr.CtrExampleCodec(ctr.locusCtrShape(seen.embedding.length));
    return codec.encode({
      user: {
        interests: seen.interests,
        ...(seen.history.length > 0 ? { history: { ids: seen.history } } : {}),
      },
      ad: { text: seen.embedding, ids: [adId] },
      context: {
        ...(seen.slot !== undefined ? { slot: seen.slot } : {}),
        position: 0,
        hour: seen.hour,
        weekday: seen.weekday,
        ...(seen.device ? { device: seen.device } : {}),
      },
      ...(seen.exposure ? { exposure: seen.exposure } : {}),
    });
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
    return {
      consent: this.consent.info,
      backend: this.ctr.backend,
      gpuAdapter: this.ctr.gpuAdapter,
      encoder: {
        model: this.config.encoder.model,
        dtype: this.config.encoder.dtype,
        ...this.encoders.details,
      },
      ctrModel: {
        id: CTR_MODEL_ID,
        version: this.ctrModel?.version ?? 0,
        parameters: this.ctrModel?.parameters ?? 0,
      },
      storage: this.profiles.info(),
      ...(this.fairness ? { fairness: this.fairness } : {}),
      catalogSize: this.catalog.length,
    };
  }

  async dispose(): Promise<void> {
    this.ctr.dispose();
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

  // The catalog downloads while consent and the profile open.
  const catalog = resolved.catalog === undefined ? undefined : loadCatalog(resolved.catalog);
  catalog?.catch(() => undefined);

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

  const locus = new LocusInstance(resolved, emitter, consent, profiles);
  await locus.start(catalog);
  emitter.emit('locus:ready', { backend: locus.info().backend });
  return locus;
}
