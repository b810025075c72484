import type { ExposureCount, ExposureCounts, ExposureRecord } from '../ranking/index.js';
import type { AdCandidate } from '../types.js';
import type { ProfileStore } from './store.js';

const DAY_MS = 86_400_000;

/** Today's and this session's impressions of these ads and their advertisers (for caps and the model). */
export async function exposureCounts(
  store: ProfileStore,
  ads: readonly AdCandidate[],
  now: number,
): Promise<ExposureCounts> {
  const advertisers = [...new Set(ads.flatMap((ad) => (ad.advertiser ? [ad.advertiser] : [])))];
  const [adRows, advertiserRows] = await Promise.all([
    store.exposures(
      'ad',
      ads.map((ad) => ad.id),
      now,
    ),
    store.exposures('advertiser', advertisers, now),
  ]);
  const toMap = (rows: Awaited<ReturnType<ProfileStore['exposures']>>) =>
    new Map<string, ExposureCount>(
      rows
        .filter((row) => row.total > 0)
        .map((row) => [
          row.id,
          {
            dayCount: row.today,
            sessionCount: row.session,
            total: row.total,
            ...(row.lastAt !== undefined ? { lastAt: row.lastAt } : {}),
          },
        ]),
    );
  return { ads: toMap(adRows), advertisers: toMap(advertiserRows) };
}

/** The ads this user clicked, most recent first (the model's collaborative history). */
export async function recentClicks(store: ProfileStore, limit = 20): Promise<string[]> {
  const examples = await store.examples();
  const clicked: string[] = [];
  for (let i = examples.length - 1; i >= 0 && clicked.length < limit; i--) {
    const example = examples[i]!;
    if (example.label === 1 && !clicked.includes(example.adId)) clicked.push(example.adId);
  }
  return clicked;
}

/** Impressions of the last `days` days, with the advertiser and category the catalog gives them. */
export async function impressionRecords(
  store: ProfileStore,
  catalog: readonly AdCandidate[],
  now: number,
  days = 30,
): Promise<ExposureRecord[]> {
  const byId = new Map(catalog.map((ad) => [ad.id, ad]));
  const since = now - days * DAY_MS;
  return (await store.events()).flatMap((event) => {
    if (event.type !== 'view' || !event.adId || event.time < since) return [];
    const ad = byId.get(event.adId);
    const record: ExposureRecord = { adId: event.adId, time: event.time };
    if (ad?.advertiser) record.advertiser = ad.advertiser;
    if (ad?.category) record.category = ad.category;
    return [record];
  });
}
