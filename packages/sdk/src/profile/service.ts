import type { ConsentController } from '../consent/controller.js';
import { LocusError, toLocusError } from '../errors.js';
import type { Emitter } from '../events.js';
import type {
  ConsentInfo,
  InterestWeight,
  ProfileExport,
  ProfileSummary,
  StorageInfo,
  StorageUsage,
} from '../types.js';
import { textHash } from '../util/hash.js';
import { emptyExport, toExport, usageOf } from './export.js';
import { StoreHandle } from './handle.js';
import { type EmbeddingSource, Insights, publicSummary } from './insights.js';
import { addPageView } from './interest.js';
import { hasWebLocks } from './locks.js';
import { pageAddress } from './page-text.js';
import type { InterestState } from './schema.js';
import { type ProfileStore, STORES_OF } from './store.js';
import { type ProfileEvent, recordEvent } from './tracking.js';

export interface ProfileServiceOptions {
  dbName: string;
  halfLifeDays: number;
  retentionDays: number;
  maxEvents: number;
  maxCachedEmbeddings: number;
  clusters: number;
  taxonomyUrl: string | undefined;
  consent: ConsentController;
  emitter: Emitter;
}

const MAINTENANCE_DELAY_MS = 5_000;
const SWEEP_EVERY_MS = 3_600_000;

/** A page read while profiling was not allowed: learned if the user allows it on this page. */
interface PendingPage {
  embedding: Float32Array;
  modelId: string;
  url: string;
  text: string;
}

/**
 * The profile as the rest of Locus sees it: every read and write goes through consent, every
 * failure is reported as a typed `locus:error` and degrades (no storage, contextual ranking),
 * none is thrown into the page. The database is opened lazily: without consent to store, no
 * database is even created.
 */
export class ProfileService {
  private readonly handle: StoreHandle;
  private readonly insights: Insights;
  private readonly reported = new WeakSet<object>();
  private pending: PendingPage | undefined;
  private modelId: string | undefined;
  private consentWork: Promise<void> = Promise.resolve();
  private maintenanceTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSweep = 0;
  private pageViews = 0;
  private eventCount = 0;
  private bytes = 0;
  private estimate: StorageInfo['estimate'];

  private constructor(private readonly options: ProfileServiceOptions) {
    this.handle = new StoreHandle({
      dbName: options.dbName,
      report: (error) => this.report(error),
      allows: (purpose) => this.consent.allows(purpose),
      limits: {
        retentionDays: options.retentionDays,
        maxEvents: options.maxEvents,
        maxEmbeddings: options.maxCachedEmbeddings,
      },
      mayCreate: () => this.consent.allows('storage'),
      onOpen: (store) =>
        store.onRemoteChange(() => {
          void this.refreshCounts(store);
          this.scheduleMaintenance();
        }),
    });
    this.insights = new Insights({
      taxonomyUrl: options.taxonomyUrl,
      halfLifeDays: options.halfLifeDays,
      report: (error) => this.report(error),
    });
  }

  static async create(options: ProfileServiceOptions): Promise<ProfileService> {
    const service = new ProfileService(options);
    await service.start();
    return service;
  }

  private get consent(): ConsentController {
    return this.options.consent;
  }

  /** Reports an error once (a persistent condition like `storage-outdated` throws the same one). */
  report(err: unknown, code: LocusError['code'] = 'storage-failed'): void {
    const error = toLocusError(code, err);
    if (this.reported.has(error)) return;
    this.reported.add(error);
    this.options.emitter.error(error);
  }

  private async start(): Promise<void> {
    // Subscribed first: a CMP may answer while the profile opens. Changes are handled in order,
    // after the opening work below.
    this.consent.onChange((next, previous) => {
      this.options.emitter.emit('locus:consent', next);
      this.consentWork = this.consentWork.then(() => this.consentChanged(next, previous));
    });
    this.consentWork = this.opened();
    await this.consentWork;
  }

  private async opened(): Promise<void> {
    const store = this.consent.allows('storage')
      ? await this.handle.writable()
      : await this.handle.existing();
    const record = await store?.consentRecord().catch((err: unknown) => this.report(err));
    if (record) this.consent.restoreExplicit(record.choice);
    await this.enforce(this.consent.info);
    if (store && this.consent.allows('storage')) {
      this.lastSweep = Date.now();
      await store.sweep().catch((err: unknown) => this.report(err));
      await this.refreshCounts(store);
      this.scheduleMaintenance(0);
    }
  }

  /** The open store, if any (the encoder's embedding cache uses it). */
  async storeForCache(): Promise<ProfileStore | null> {
    return this.consent.allows('storage') ? this.handle.writable() : this.handle.existing();
  }

  // ---- consent --------------------------------------------------------------------------------

  async setConsent(choice: Parameters<ConsentController['setExplicit']>[0]): Promise<ConsentInfo> {
    const info = this.consent.setExplicit(choice);
    await this.consentWork;
    return info;
  }

  private async consentChanged(next: ConsentInfo, previous: ConsentInfo): Promise<void> {
    await this.enforce(next);
    if (JSON.stringify(next.sources.explicit) !== JSON.stringify(previous.sources.explicit))
      await this.remember();
    // The user allowed profiling while reading this page: it counts, as if read after the choice.
    if (next.profiling && !previous.profiling && this.pending) {
      const { embedding, modelId, url, text } = this.pending;
      await this.recordPage(embedding, modelId, url, text);
    }
  }

  /**
   * Remembers the explicit choice (setConsent), refusals included: without it a "no" would
   * last one page. It is the only record kept without consent to storage, and holds nothing
   * but the choice.
   */
  private async remember(): Promise<void> {
    const choice = this.consent.info.sources.explicit;
    if (!choice) return;
    try {
      const store = this.handle.store ?? (await this.handle.open());
      await store?.saveConsentRecord({ key: 'choice', choice, updatedAt: Date.now() });
    } catch (err) {
      this.report(err);
    }
  }

  /** Deletes the data of every purpose a settled decision denies (withdrawal deletes). */
  private async enforce(info: ConsentInfo): Promise<void> {
    if (!info.settled) return; // a CMP still loading is not a withdrawal
    const denied = (['storage', 'profiling', 'measurement'] as const).filter((purpose) => !info[purpose]);
    if (denied.length === 0) return;
    const store = await this.handle.existing();
    try {
      for (const purpose of denied) await store?.clear(STORES_OF[purpose]);
    } catch (err) {
      this.report(err);
    }
    if (denied.includes('storage') || denied.includes('profiling')) {
      this.pageViews = 0;
      this.pending = undefined;
    }
    if (denied.includes('storage') || denied.includes('measurement')) this.eventCount = 0;
    if (store) this.scheduleMaintenance(0);
  }

  // ---- writes ---------------------------------------------------------------------------------

  /** A page the user read: updates the interests (with consent), atomically with its page record. */
  async recordPage(embedding: Float32Array, modelId: string, url: string, text: string): Promise<void> {
    if (!this.consent.allows('profiling')) {
      this.pending = { embedding, modelId, url, text };
      return;
    }
    this.pending = undefined;
    this.modelId = modelId;
    const now = Date.now();
    const urlHash = textHash(pageAddress(url));
    const key = `${modelId}|${urlHash}`;
    try {
      const store = await this.handle.writable();
      const state = await store?.updateInterest(key, (current, page) => ({
        state: addPageView(current, embedding, modelId, now, this.options.halfLifeDays, {
          maxClusters: this.options.clusters,
        }),
        page: {
          key,
          modelId,
          urlHash,
          textHash: textHash(text),
          vector: embedding,
          time: now,
          visits: (page?.visits ?? 0) + 1,
          dwellMs: page?.dwellMs ?? 0,
        },
      }));
      if (state) this.pageViews = state.pageViews;
      this.scheduleMaintenance();
    } catch (err) {
      this.report(err);
    }
  }

  /** Records an event: the log and exposures (measurement), examples and dwell (profiling). */
  async track(event: ProfileEvent): Promise<void> {
    try {
      const store = await this.handle.writable();
      if (!store) return;
      const stored = await recordEvent(store, event, {
        modelId: this.modelId,
        halfLifeDays: this.options.halfLifeDays,
        clusters: this.options.clusters,
        allows: (purpose) => this.consent.allows(purpose),
      });
      if (stored) this.eventCount = Math.min(this.eventCount + 1, store.limits.maxEvents);
      this.scheduleMaintenance();
    } catch (err) {
      this.report(err);
    }
  }

  // ---- reads ----------------------------------------------------------------------------------

  /** The interest state to rank with, when profiling is allowed and it matches the encoder. */
  async interestFor(modelId: string): Promise<InterestState | undefined> {
    if (!this.consent.allows('profiling')) return undefined;
    try {
      const state = await (await this.handle.existing())?.interest();
      if (state) this.modelId ??= state.modelId;
      return state?.modelId === modelId ? state : undefined;
    } catch (err) {
      this.report(err);
      return undefined;
    }
  }

  async summary(encoder: EmbeddingSource): Promise<ProfileSummary> {
    const state = await this.interestFor(encoder.id);
    return publicSummary(await this.insights.summary(state, encoder));
  }

  /** Which interests drew each ad; empty lists when the profile was not used. */
  async explain(
    state: InterestState | undefined,
    encoder: EmbeddingSource,
    ads: { id: string; vector: Float32Array }[],
  ): Promise<Map<string, InterestWeight[]>> {
    if (!state) return new Map();
    try {
      return await this.insights.explain(state, encoder, ads);
    } catch (err) {
      this.report(err, 'encoder-failed');
      return new Map();
    }
  }

  async export(): Promise<ProfileExport> {
    try {
      const store = await this.handle.existing();
      if (!store) return emptyExport();
      const { data, skipped } = toExport(await store.dump());
      for (const [name, count] of Object.entries(skipped)) {
        this.report(
          new LocusError(
            'storage-corrupt-record',
            `${count} unreadable record(s) in "${name}" were left out of the export`,
          ),
        );
      }
      return data;
    } catch (err) {
      this.report(err);
      return emptyExport();
    }
  }

  /**
   * Deletes everything stored, caches included; info() shows zeros right after. A choice made
   * with setConsent stays in force and is remembered again: it is an instruction, not data.
   */
  async clear(): Promise<void> {
    this.pending = undefined;
    this.pageViews = 0;
    this.eventCount = 0;
    this.bytes = 0;
    try {
      await (await this.handle.existing())?.clear();
    } catch (err) {
      this.report(err);
    }
    await this.remember();
  }

  async usage(): Promise<StorageUsage> {
    const store = await this.handle.existing().catch(() => null);
    const usage: StorageUsage = store ? usageOf(await store.dump()) : { bytes: 0, stores: {} };
    const estimate = await (globalThis.navigator as { storage?: StorageManager } | undefined)?.storage
      ?.estimate?.()
      .catch(() => undefined);
    if (estimate?.usage !== undefined && estimate.quota !== undefined) {
      usage.estimate = { usage: estimate.usage, quota: estimate.quota };
    }
    this.bytes = usage.bytes;
    this.estimate = usage.estimate;
    return usage;
  }

  /**
   * Background upkeep after writes, throttled (a usage measurement reads every store): the
   * retention sweep at most hourly (a long-lived page must not outlive retentionDays), then the
   * byte count info() shows, which must stay synchronous.
   */
  private scheduleMaintenance(delayMs = MAINTENANCE_DELAY_MS): void {
    if (this.maintenanceTimer !== undefined) return;
    this.maintenanceTimer = setTimeout(() => {
      this.maintenanceTimer = undefined;
      void this.maintain();
    }, delayMs);
    (this.maintenanceTimer as { unref?: () => void }).unref?.();
  }

  private async maintain(): Promise<void> {
    const store = this.handle.store;
    if (store && this.consent.allows('storage') && Date.now() - this.lastSweep > SWEEP_EVERY_MS) {
      this.lastSweep = Date.now();
      try {
        if ((await store.sweep()).deleted > 0) await this.refreshCounts(store);
      } catch (err) {
        this.report(err);
      }
    }
    await this.usage().catch(() => {});
  }

  private async refreshCounts(store: ProfileStore): Promise<void> {
    try {
      const [interest, events] = await Promise.all([store.interest(), store.countEvents()]);
      this.pageViews = interest?.pageViews ?? 0;
      this.modelId ??= interest?.modelId;
      this.eventCount = events;
    } catch (err) {
      this.report(err);
    }
  }

  info(): StorageInfo {
    const { unavailable } = this.handle;
    const status = unavailable ? 'unavailable' : (this.handle.store?.status ?? 'closed');
    return {
      available: !unavailable && status !== 'outdated',
      ...(unavailable ? { reason: unavailable } : {}),
      status,
      dbName: this.options.dbName,
      pageViews: this.pageViews,
      events: this.eventCount,
      retentionDays: this.options.retentionDays,
      maxEvents: this.options.maxEvents,
      bytes: this.bytes,
      ...(this.estimate ? { estimate: this.estimate } : {}),
      crossTabLocks: hasWebLocks(),
    };
  }

  async dispose(): Promise<void> {
    if (this.maintenanceTimer !== undefined) clearTimeout(this.maintenanceTimer);
    await this.consentWork;
    this.consent.stop();
    await this.handle.close();
  }
}
