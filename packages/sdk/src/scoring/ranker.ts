import type { CandidateExposure, FeatureContributions } from '../ctr/index.js';
import type { CachedEncoder } from '../encoder/cache.js';
import type { KeywordEncoder } from '../encoder/keyword-encoder.js';
import { exposureCounts, recentClicks } from '../profile/ranking-inputs.js';
import type { ProfileService } from '../profile/service.js';
import {
  type ExplorationConfig,
  type ExposureCounts,
  exposuresFromCounts,
  type FrequencyCaps,
  type RankResult,
  rankCandidates,
  userSignal,
} from '../ranking/index.js';
import type { AdCandidate, Explanation, InterestWeight, RankedAd } from '../types.js';
import { dot } from '../util/vector.js';
import { requestContext } from './context.js';
import type { CtrModel, CtrRuntime } from './ctr-runtime.js';
import { priorPctr } from './prior.js';

/** Ads per ranking explained in full (own interests, model contributions): a page has a few slots. */
const EXPLAINED_ADS = 12;

/** Explanations of one ranking's inputs: a page ranks the same inputs again for each lazy slot. */
interface ExplainedInputs {
  key: string;
  /** Per ad: its exposure when explained, and what moved its score. */
  byAd: Map<string, { exposure: string; contributions: FeatureContributions }>;
}

/** An ad's exposure as the model sees it, to the tenth of an hour (what an explanation can tell apart). */
const exposureKey = (exposure: CandidateExposure | undefined) =>
  exposure ? `${exposure.count}|${exposure.hoursSinceLast?.toFixed(1) ?? ''}` : '';

/** Indices of the `count` best candidates by bid × pCTR (or pCTR), without sorting them all. */
function topIndices(ads: readonly AdCandidate[], pctr: ArrayLike<number>, count: number): number[] {
  const score = (i: number) => {
    const p = pctr[i]!;
    const value = ads[i]!.bid === undefined ? p : ads[i]!.bid! * p;
    return Number.isFinite(value) ? value : Number.NEGATIVE_INFINITY;
  };
  const top: number[] = [];
  for (let i = 0; i < ads.length; i++) {
    if (top.length < count) top.push(i);
    else if (score(i) > score(top[top.length - 1]!)) top[top.length - 1] = i;
    else continue;
    top.sort((a, b) => score(b) - score(a));
  }
  return top;
}

export interface RankingRules {
  caps: FrequencyCaps | undefined;
  blocklist: { advertisers?: string[]; categories?: string[] } | undefined;
  exploration: ExplorationConfig;
  seed: number | undefined;
}

export interface RankRequest {
  ads: AdCandidate[];
  /** What the user is reading (the context), when known. */
  pageText: string | undefined;
  slot: string | undefined;
  limit: number | undefined;
  now: number;
}

/** What the model saw for one ranked ad: replayed as a training example if it gets an impression. */
export interface ScoredImpression {
  interests: Float32Array[];
  embedding: Float32Array;
  slot: string | undefined;
  history: string[];
  exposure: { count: number; hoursSinceLast?: number } | undefined;
  hour: number;
  weekday: number;
  device: ReturnType<typeof requestContext>['device'];
}

/**
 * What the model saw in one ranking, kept by reference and put together for an ad only when it
 * gets an impression (a ranking scores hundreds of ads; a page shows a few).
 */
export class ScoredRanking {
  constructor(
    private readonly ads: readonly AdCandidate[],
    private readonly embeddings: readonly Float32Array[],
    private readonly exposures: readonly (CandidateExposure | undefined)[],
    private readonly shared: Omit<ScoredImpression, 'embedding' | 'exposure'>,
  ) {}

  /** What the model saw for `adId`, or undefined when this ranking did not score it. */
  get(adId: string): ScoredImpression | undefined {
    const i = this.ads.findIndex((ad) => ad.id === adId);
    if (i < 0) return undefined;
    return { ...this.shared, embedding: this.embeddings[i]!, exposure: this.exposures[i] };
  }
}

export interface RankOutcome {
  ranked: RankedAd[];
  skipped: RankResult['skipped'];
  /** What the model scored (undefined on the keyword path: nothing to learn from). */
  scored: ScoredRanking | undefined;
  /** The encoder width on the model path (the CTR model's text dimension). */
  modelDim: number | undefined;
}

/**
 * One ranking: embeds the ads and the page, scores them — with the CTR model when the encoder
 * model is ready, else in plain JS with the model's prior over keyword vectors (no ML download)
 * — and applies the serving rules (bids, caps, block lists, exploration, explanations).
 */
export class Ranker {
  /** Recent clicks and the interest summary change only on a click or a learned page: kept. */
  private clicks: Promise<string[]> | undefined;
  /** Exposure counts of the last ad set, until the next impression (one IndexedDB read per page). */
  private counts: { key: string; value: Promise<ExposureCounts | undefined> } | undefined;
  private summary: { key: string; interests: Promise<InterestWeight[]> } | undefined;
  private explained: ExplainedInputs | undefined;

  constructor(
    private readonly ctr: CtrRuntime,
    private readonly profiles: ProfileService,
    private readonly keywords: KeywordEncoder,
    private readonly rules: RankingRules,
  ) {}

  /** A click changed the user's history (the model's collaborative input). */
  clicked(): void {
    this.clicks = undefined;
  }

  /** An impression changed the exposure counts (caps, the model's exposure features). */
  shown(): void {
    this.counts = undefined;
  }

  private exposureCounts(
    ads: readonly AdCandidate[],
    key: string,
    now: number,
  ): Promise<ExposureCounts | undefined> {
    if (this.counts?.key !== key) {
      const value = this.profiles
        .storeForCache()
        .then((store) => (store ? exposureCounts(store, ads, now) : undefined))
        .catch(() => undefined);
      this.counts = { key, value };
    }
    return this.counts.value;
  }

  private recentClicks(store: Awaited<ReturnType<ProfileService['storeForCache']>>): Promise<string[]> {
    if (!store) return Promise.resolve([]);
    this.clicks ??= recentClicks(store).catch(() => []);
    return this.clicks;
  }

  private interestsInWords(
    key: string,
    source: { id: string; embed(texts: string[]): Promise<Float32Array[]> },
  ): Promise<InterestWeight[]> {
    if (this.summary?.key !== key) {
      this.summary = { key, interests: this.profiles.summary(source).then((summary) => summary.interests) };
    }
    return this.summary.interests;
  }

  async rank(request: RankRequest, model: CachedEncoder | undefined): Promise<RankOutcome> {
    // The ad set, as the key of what is kept per ad set (exposure counts, prepared ads).
    const adIds = request.ads.map((ad) => ad.id).join('\n');
    const counts = await this.exposureCounts(request.ads, adIds, request.now);
    const scored = model
      ? await this.scoreWithModel(request, adIds, model, counts)
      : await this.scoreWithKeywords(request);
    const result = rankCandidates({
      candidates: request.ads,
      pctr: scored.pctr,
      embeddings: scored.embeddings,
      similarity: scored.similarity,
      now: request.now,
      ...(counts ? { exposureCounts: counts } : {}),
      ...(this.rules.caps ? { caps: this.rules.caps } : {}),
      ...(this.rules.blocklist ? { blocklist: this.rules.blocklist } : {}),
      exploration: this.rules.exploration,
      seed: this.rules.seed ?? request.now,
      // The page's slots are filled together by the slot module, which keeps them apart.
      pageSize: 1,
      limit: request.limit ?? request.ads.length,
      signal: scored.signal,
      ...(scored.interests ? { interests: scored.interests } : {}),
      ...(scored.contributions ? { contributions: scored.contributions } : {}),
    });
    // Which of the user's interests drew each ad likely to be shown (its own, not the profile's
    // top three); the long tail keeps the profile's top interests.
    if (scored.explain) {
      const shown = result.ranked.slice(0, Math.max(request.limit ?? 0, EXPLAINED_ADS));
      const why = await scored.explain(shown.map((r) => r.id));
      for (const r of shown) r.explanation.interests = why.get(r.id) ?? [];
    }
    return {
      ranked: result.ranked,
      skipped: result.skipped,
      scored: scored.scored,
      modelDim: model ? scored.embeddings[0]?.length : undefined,
    };
  }

  private async scoreWithKeywords(request: RankRequest) {
    const embeddings = await this.keywords.embed(request.ads.map((ad) => ad.text));
    const context = request.pageText ? this.keywords.embedOne(request.pageText) : undefined;
    const similarity = embeddings.map((embedding) => (context ? dot(context, embedding) : 0));
    return {
      embeddings,
      similarity,
      pctr: similarity.map((s) => priorPctr(s)),
      signal: (context ? 'context' : 'none') as Explanation['features']['signal'],
      interests: undefined,
      scored: undefined,
      explain: undefined,
      contributions: undefined,
    };
  }

  private async scoreWithModel(
    request: RankRequest,
    adIds: string,
    model: CachedEncoder,
    counts: ExposureCounts | undefined,
  ) {
    const [embeddings, [context]] = await Promise.all([
      model.embed(request.ads.map((ad) => ad.text)),
      request.pageText ? model.embed([request.pageText]) : Promise.resolve([undefined]),
    ]);
    const dim = embeddings[0]!.length;
    // The profile lives in the model's vector space; without consent to profiling it is undefined.
    const interest = await this.profiles.interestFor(model.encoder.id);
    const user = userSignal(interest?.vector, context, dim);
    const page = context ?? new Float32Array(dim);
    const store = await this.profiles.storeForCache().catch(() => null);
    const history = interest ? await this.recentClicks(store) : [];
    const ctx = requestContext(request.slot, request.now);
    const exposures = exposuresFromCounts(
      request.ads.map((ad) => ad.id),
      counts?.ads ?? new Map(),
      request.now,
    );
    const ctr: CtrModel = await this.ctr.model(dim);
    const ctrModule = await this.ctr.start();
    const userInput = {
      interests: [user.vector, page],
      ...(history.length > 0 ? { history: { ids: history } } : {}),
    };
    const adsKey = `${model.encoder.id}|${adIds}`;
    // Everything the explanations depend on but the ads' own exposures.
    const inputsKey = [
      ctr.version,
      ctr.weightsRevision,
      adsKey,
      interest ? `${interest.updatedAt}|${interest.pageViews}|${interest.weight}` : '',
      request.pageText ?? '',
      history.join(','),
      request.slot ?? '',
      ctx.hour,
      ctx.weekday,
      ctx.device,
    ].join('\n');
    if (this.explained?.key !== inputsKey) this.explained = { key: inputsKey, byAd: new Map() };
    const explained = this.explained;
    const { pctr, contributions } = await this.ctr.exclusive(async () => {
      const prepared = this.ctr.prepare(ctr, adsKey, () =>
        request.ads.map((ad, i) => ({ id: ad.id, embedding: embeddings[i]! })),
      );
      const pctr = await ctr.score(userInput, { context: ctx }, prepared, exposures);
      // What moved the score, for the ads likely to be shown: one extra forward pass over the
      // ones not explained already for these inputs.
      const likely = topIndices(request.ads, pctr, Math.max(request.limit ?? 0, EXPLAINED_ADS));
      const unexplained = likely.filter(
        (index) => explained.byAd.get(request.ads[index]!.id)?.exposure !== exposureKey(exposures[index]),
      );
      if (unexplained.length > 0) {
        const groups = await ctrModule.featureContributions(
          ctr,
          userInput,
          { context: ctx },
          prepared,
          unexplained,
          exposures,
        );
        unexplained.forEach((index, i) => {
          explained.byAd.set(request.ads[index]!.id, {
            exposure: exposureKey(exposures[index]),
            contributions: groups[i]!,
          });
        });
      }
      return {
        pctr,
        contributions: new Map(
          likely.map((index) => [
            request.ads[index]!.id,
            explained.byAd.get(request.ads[index]!.id)!.contributions,
          ]),
        ),
      };
    });
    const scored = new ScoredRanking(request.ads, embeddings, exposures, {
      interests: userInput.interests,
      slot: request.slot,
      history,
      hour: ctx.hour!,
      weekday: ctx.weekday!,
      device: ctx.device,
    });
    let interests: InterestWeight[] | undefined;
    let explain: ((ids: string[]) => Promise<Map<string, InterestWeight[]>>) | undefined;
    if (interest && user.signal.startsWith('profile')) {
      const source = { id: model.encoder.id, embed: (texts: string[]) => model.embed(texts) };
      interests = await this.interestsInWords(
        `${model.encoder.id}|${interest.updatedAt}|${interest.pageViews}|${interest.weight}`,
        source,
      );
      const vectorOf = new Map(request.ads.map((ad, i) => [ad.id, embeddings[i]!]));
      explain = (ids) =>
        this.profiles.explain(
          interest,
          source,
          ids.map((id) => ({ id, vector: vectorOf.get(id)! })),
        );
    }
    return {
      embeddings,
      similarity: embeddings.map((embedding) => dot(user.vector, embedding)),
      pctr,
      signal: user.signal,
      interests,
      scored,
      explain,
      contributions,
    };
  }
}
