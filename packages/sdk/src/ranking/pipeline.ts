import type { FeatureContributions } from '../ctr/contributions.js';
import type { AdCandidate, Explanation, InterestWeight, RankedAd } from '../types.js';
import { type DiversityOptions, type PageItem, selectPage } from './diversity.js';
import { explainAd } from './explain.js';
import {
  DEFAULT_THOMPSON_STRENGTH,
  type ExplorationConfig,
  epsilonFor,
  thompsonDraw,
} from './exploration.js';
import { candidateExposures, type ExposureRecord, exposuresFromCounts } from './exposures.js';
import { type ExposureCounts, type FrequencyCaps, frequencyCapped } from './frequency-caps.js';
import { seededRandom } from './random.js';

export type SkipReason =
  | 'missing-id'
  | 'duplicate-id'
  | 'missing-bid'
  | 'invalid-bid'
  | 'invalid-pctr'
  | 'blocked-advertiser'
  | 'blocked-category'
  | 'frequency-cap'
  | 'same-advertiser-on-page';

export interface SkippedCandidate {
  id: string;
  reason: SkipReason;
  detail?: string;
}

export interface RankInput {
  candidates: readonly AdCandidate[];
  /** Calibrated pCTR of each candidate, aligned with `candidates`. */
  pctr: ArrayLike<number>;
  /** Ad embeddings aligned with `candidates`, for MMR diversity. */
  embeddings?: readonly (Float32Array | undefined)[];
  /** cos(user, ad) aligned with `candidates`, reported in the explanation. */
  similarity?: ArrayLike<number>;
  /** This user's impressions (for caps, exploration and explanations). */
  exposures?: readonly ExposureRecord[];
  /** Or the profile store's counters; caps and impression counts then come from these. */
  exposureCounts?: ExposureCounts;
  now: number;
  sessionId?: string;
  caps?: FrequencyCaps;
  blocklist?: { advertisers?: readonly string[]; categories?: readonly string[] };
  exploration?: ExplorationConfig;
  /** Seed of all random choices: equal inputs and seed give the same ranking. */
  seed?: number;
  diversity?: DiversityOptions;
  /** Slots shown together on one page; the diversity rules hold among them (default: limit). */
  pageSize?: number;
  /** How many ads to return (default: pageSize, else all eligible). */
  limit?: number;
  signal?: Explanation['features']['signal'];
  interests?: readonly InterestWeight[];
  /** Model contributions by ad id (e.g. featureContributions for the likely winners). */
  contributions?: ReadonlyMap<string, FeatureContributions>;
}

export interface RankedCandidate extends RankedAd {
  explanation: Explanation & { reasons: string[]; contributions?: FeatureContributions };
  /** Placed by exploration rather than by score. */
  explored: boolean;
}

export interface RankResult {
  ranked: RankedCandidate[];
  skipped: SkippedCandidate[];
  /** 'ecpm' when any candidate bids (then every candidate must), else 'pctr'. */
  mode: 'ecpm' | 'pctr';
  /** The exploration rate used for this page (epsilon-greedy), 0 otherwise. */
  epsilon: number;
}

interface Eligible {
  index: number;
  ad: AdCandidate;
  pctr: number;
  score: number;
}

const validBid = (bid: unknown): bid is number => typeof bid === 'number' && Number.isFinite(bid) && bid >= 0;

/** Why a candidate cannot compete at all, or undefined when it can (records its id as seen). */
function candidateProblem(
  ad: AdCandidate | undefined,
  index: number,
  pctr: number | undefined,
  mode: RankResult['mode'],
  seen: Set<string>,
  blockedAdvertisers: ReadonlySet<string>,
  blockedCategories: ReadonlySet<string>,
): SkippedCandidate | undefined {
  const id = typeof ad?.id === 'string' ? ad.id : '';
  if (!ad || id === '') return { id: String(ad?.id ?? ''), reason: 'missing-id' };
  if (seen.has(id)) return { id, reason: 'duplicate-id', detail: `candidate ${index} repeats an earlier id` };
  seen.add(id);
  if (mode === 'ecpm' && ad.bid === undefined) {
    return { id, reason: 'missing-bid', detail: 'other candidates bid; this one has none' };
  }
  if (ad.bid !== undefined && !validBid(ad.bid))
    return { id, reason: 'invalid-bid', detail: `bid ${String(ad.bid)}` };
  if (typeof pctr !== 'number' || !Number.isFinite(pctr) || pctr < 0 || pctr > 1) {
    return { id, reason: 'invalid-pctr', detail: `pCTR ${String(pctr)}` };
  }
  if (ad.advertiser !== undefined && blockedAdvertisers.has(ad.advertiser))
    return { id, reason: 'blocked-advertiser' };
  if (ad.category !== undefined && blockedCategories.has(ad.category))
    return { id, reason: 'blocked-category' };
  return undefined;
}

/**
 * The ad-serving rules, as one pure function: drops what must not be shown (bad input, blocked,
 * capped) with a reason each, scores the rest (bid × pCTR or pCTR), explores, fills the page
 * under the diversity rules and explains every placed ad. NaN never reaches a score.
 */
export function rankCandidates(input: RankInput): RankResult {
  const skipped: SkippedCandidate[] = [];
  const skip = (id: string, reason: SkipReason, detail?: string) => {
    skipped.push(detail === undefined ? { id, reason } : { id, reason, detail });
  };
  const mode = input.candidates.some((c) => c?.bid !== undefined) ? 'ecpm' : 'pctr';
  const blockedAdvertisers = new Set(input.blocklist?.advertisers ?? []);
  const blockedCategories = new Set(input.blocklist?.categories ?? []);
  const seen = new Set<string>();
  const valid: Eligible[] = [];
  input.candidates.forEach((ad, index) => {
    const problem = candidateProblem(
      ad,
      index,
      input.pctr[index],
      mode,
      seen,
      blockedAdvertisers,
      blockedCategories,
    );
    if (problem) skipped.push(problem);
    else
      valid.push({
        index,
        ad,
        pctr: input.pctr[index]!,
        score: mode === 'ecpm' ? ad.bid! * input.pctr[index]! : input.pctr[index]!,
      });
  });

  const exposures = input.exposures ?? [];
  const capSource = input.exposureCounts
    ? { counts: input.exposureCounts }
    : {
        records: exposures,
        now: input.now,
        ...(input.sessionId !== undefined ? { sessionId: input.sessionId } : {}),
      };
  const capped = input.caps
    ? frequencyCapped(
        valid.map((e) => e.ad),
        capSource,
        input.caps,
      )
    : new Map<string, string>();
  const eligible = valid.filter((e) => {
    const reason = capped.get(e.ad.id);
    if (reason) skip(e.ad.id, 'frequency-cap', reason);
    return !reason;
  });

  const random = seededRandom(input.seed ?? input.now);
  const exploration = input.exploration ?? { kind: 'none' };
  const eligibleIds = eligible.map((e) => e.ad.id);
  const impressions = input.exposureCounts
    ? exposuresFromCounts(eligibleIds, input.exposureCounts.ads ?? new Map(), input.now)
    : candidateExposures(eligibleIds, exposures, input.now);
  // Thompson sampling replaces each pCTR by a draw around it; the draw decides the order.
  const ordering =
    exploration.kind === 'thompson'
      ? eligible.map((e, i) => {
          const draw = thompsonDraw(
            e.pctr,
            exploration.strength ?? DEFAULT_THOMPSON_STRENGTH,
            impressions[i]?.count ?? 0,
            random,
          );
          return mode === 'ecpm' ? e.ad.bid! * draw : draw;
        })
      : eligible.map((e) => e.score);
  const epsilon = exploration.kind === 'epsilon-greedy' ? epsilonFor(exploration) : 0;
  const limit = Math.max(0, Math.floor(input.limit ?? input.pageSize ?? eligible.length));
  const pageSize = Math.max(0, Math.min(limit, Math.floor(input.pageSize ?? limit)));
  const selection = selectPage(
    eligible.map((e, i) => {
      const item: PageItem = { index: i, score: ordering[i]! };
      if (e.ad.advertiser !== undefined) item.advertiser = e.ad.advertiser;
      const embedding = input.embeddings?.[e.index];
      if (embedding) item.embedding = embedding;
      return item;
    }),
    pageSize,
    limit,
    input.diversity,
    epsilon,
    random,
  );
  // Beyond the page (limit > pageSize), the rest follows in score order without page rules.
  const order = selection.order;
  const placed = new Set(order);
  for (const i of selection.sameAdvertiser) {
    if (!placed.has(i))
      skip(eligible[i]!.ad.id, 'same-advertiser-on-page', `advertiser ${eligible[i]!.ad.advertiser}`);
  }

  // The profile's strongest interests, the same for every ad; each explanation gets its own copy.
  const topInterests = [...(input.interests ?? [])]
    .filter((x) => Number.isFinite(x.weight))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 3);
  const ranked = order.map((i): RankedCandidate => {
    const { ad, pctr, score, index } = eligible[i]!;
    const similarity = Number(input.similarity?.[index] ?? 0);
    const features: Explanation['features'] = {
      similarity: Number.isFinite(similarity) ? similarity : 0,
      signal: input.signal ?? 'none',
    };
    if (ad.bid !== undefined) features.bid = ad.bid;
    const contributions = input.contributions?.get(ad.id);
    const explored = selection.explored.has(i);
    const reasons = explainAd({
      ...(contributions ? { contributions } : {}),
      ...(input.interests ? { interests: input.interests } : {}),
      signal: features.signal,
      impressions: impressions[i]?.count ?? 0,
      explored,
      ...(ad.bid !== undefined ? { bid: ad.bid } : {}),
    });
    const interests = [...topInterests];
    return {
      id: ad.id,
      score,
      pctr,
      ad,
      explored,
      explanation: { interests, features, reasons, ...(contributions ? { contributions } : {}) },
    };
  });
  return { ranked, skipped, mode, epsilon };
}
