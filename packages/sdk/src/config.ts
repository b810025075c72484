import { isBackendChoice } from './ctr/backend-names.js';
import { DEFAULT_ENCODER_MODEL } from './encoder/types.js';
import { LocusError } from './errors.js';
import type { BackendChoice, EncoderDtype, LocusConfig, RankingConfig } from './types.js';

export interface ResolvedConfig {
  catalog: LocusConfig['catalog'];
  aggregator: { url: string; auto: boolean; minExamples: number } | undefined;
  backend: BackendChoice;
  encoder: { model: string; dtype: EncoderDtype; baseUrl: string; load: 'idle' | 'eager'; waitMs: number };
  assetsUrl: string | undefined;
  dbName: string;
  halfLifeDays: number;
  retentionDays: number;
  maxEvents: number;
  maxCachedEmbeddings: number;
  consent: { tcf: boolean; gpc: boolean; required: boolean; tcfTimeoutMs: number };
  interests: { taxonomyUrl: string | undefined; clusters: number };
  ranking: {
    caps: NonNullable<Exclude<RankingConfig['caps'], false>> | undefined;
    blocklist: RankingConfig['blocklist'];
    exploration: Exclude<RankingConfig['exploration'], undefined>;
    seed: number | undefined;
  };
}

/** Default frequency caps: the same ad at most 5 times a session and 20 times a day. */
export const DEFAULT_CAPS = { ad: { day: 20, session: 5 } };

function rankingOf(ranking: RankingConfig | undefined): ResolvedConfig['ranking'] {
  if (ranking !== undefined && (typeof ranking !== 'object' || ranking === null))
    invalid('ranking must be an object');
  const exploration = ranking?.exploration ?? 'off';
  if (
    exploration !== 'off' &&
    !['epsilon-greedy', 'thompson'].includes((exploration as { kind?: string }).kind ?? '')
  ) {
    invalid(`unknown ranking.exploration (use 'off', { kind: 'epsilon-greedy' } or { kind: 'thompson' })`);
  }
  const seed = ranking?.seed;
  if (seed !== undefined && !Number.isFinite(seed)) invalid('ranking.seed must be a number');
  for (const [list, values] of Object.entries(ranking?.blocklist ?? {})) {
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string'))
      invalid(`ranking.blocklist.${list} must be an array of strings`);
  }
  return {
    caps: ranking?.caps === false ? undefined : (ranking?.caps ?? DEFAULT_CAPS),
    blocklist: ranking?.blocklist,
    exploration,
    seed,
  };
}

const DTYPES: EncoderDtype[] = ['q8', 'q4', 'fp32'];

function invalid(message: string): never {
  throw new LocusError('invalid-config', message);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
    invalid(`${name} must be a positive number`);
  return value;
}

function count(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) invalid(`${name} must be a positive whole number`);
  return value;
}

/** Checks a user's config and fills in defaults; throws a typed error naming the bad field. */
export function resolveConfig(config: LocusConfig = {}): ResolvedConfig {
  if (typeof config !== 'object' || config === null) invalid('config must be an object');
  const backend = config.backend ?? 'auto';
  if (!isBackendChoice(backend)) {
    invalid(`unknown backend "${String(backend)}" (use auto, webgpu, webgl, wasm or cpu)`);
  }
  const model = config.encoder?.model ?? DEFAULT_ENCODER_MODEL;
  if (typeof model !== 'string' || model === '') invalid('encoder.model must be a non-empty string');
  // The default model ships q4 (1.5 MB gzipped, cosine 0.997 to fp32) to keep a first visit
  // under 3 MB; q8 is the usual choice for transformer models a publisher configures.
  const dtype = config.encoder?.dtype ?? (model === DEFAULT_ENCODER_MODEL ? 'q4' : 'q8');
  if (!DTYPES.includes(dtype))
    invalid(`unknown encoder dtype "${String(dtype)}" (use ${DTYPES.join(' or ')})`);
  const load = config.encoder?.load ?? 'idle';
  if (load !== 'idle' && load !== 'eager')
    invalid(`unknown encoder.load "${String(load)}" (use idle or eager)`);
  const waitMs = config.encoder?.waitMs ?? 1500;
  if (!(waitMs >= 0)) invalid('encoder.waitMs must be a non-negative number');
  const halfLifeDays = positive(config.storage?.halfLifeDays, 14, 'storage.halfLifeDays');
  const retentionDays = positive(config.storage?.retentionDays, 90, 'storage.retentionDays');
  const maxEvents = count(config.storage?.maxEvents, 10_000, 'storage.maxEvents');
  const maxCachedEmbeddings = count(
    config.storage?.maxCachedEmbeddings,
    5_000,
    'storage.maxCachedEmbeddings',
  );
  const consent = config.consent ?? {};
  if (typeof consent !== 'object' || consent === null) invalid('consent must be an object');
  for (const flag of ['tcf', 'gpc', 'required'] as const) {
    if (consent[flag] !== undefined && typeof consent[flag] !== 'boolean')
      invalid(`consent.${flag} must be true or false`);
  }
  const taxonomyUrl = config.interests?.taxonomyUrl;
  if (taxonomyUrl !== undefined && (typeof taxonomyUrl !== 'string' || taxonomyUrl === ''))
    invalid('interests.taxonomyUrl must be a URL');
  const catalog = config.catalog;
  if (catalog !== undefined && typeof catalog !== 'string' && !Array.isArray(catalog)) {
    invalid('catalog must be an array of ads or the URL of a JSON array');
  }
  const assetsUrl = config.assetsUrl;
  const baseUrl = config.encoder?.baseUrl ?? (assetsUrl ? new URL('models/', assetsUrl).href : '/models/');
  return {
    catalog,
    aggregator: aggregatorOf(config.aggregator),
    backend,
    encoder: { model, dtype, baseUrl, load, waitMs },
    assetsUrl,
    dbName: config.storage?.dbName ?? 'locus',
    halfLifeDays,
    retentionDays,
    maxEvents,
    maxCachedEmbeddings,
    consent: {
      tcf: consent.tcf ?? true,
      gpc: consent.gpc ?? true,
      required: consent.required ?? false,
      tcfTimeoutMs: positive(consent.tcfTimeoutMs, 1500, 'consent.tcfTimeoutMs'),
    },
    interests: { taxonomyUrl, clusters: count(config.interests?.clusters, 5, 'interests.clusters') },
    ranking: rankingOf(config.ranking),
  };
}

function aggregatorOf(aggregator: LocusConfig['aggregator']): ResolvedConfig['aggregator'] {
  if (aggregator === undefined) return undefined;
  if (
    typeof aggregator !== 'object' ||
    aggregator === null ||
    typeof aggregator.url !== 'string' ||
    aggregator.url === ''
  ) {
    invalid('aggregator.url must be the URL of the aggregator (e.g. "/fl")');
  }
  const minExamples = aggregator.minExamples ?? 10;
  if (!Number.isInteger(minExamples) || minExamples < 1)
    invalid('aggregator.minExamples must be a positive integer');
  return { url: aggregator.url, auto: aggregator.auto ?? true, minExamples };
}
