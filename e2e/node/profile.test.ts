// The profile through the public API in Node: real encoder and scorer, fake-indexeddb.
// Consent, interests in words, explanations, dwell, retention, export/clear, several tabs.
import 'fake-indexeddb/auto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AdCandidate,
  createLocus,
  type Locus,
  type LocusEventMap,
  type ProfileExport,
} from '@locus/sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';

const MODELS = dirname(
  dirname(fileURLToPath(import.meta.resolve('@locus/models/artefacts/locus-glove-sif/config.json'))),
);

const CATALOG: AdCandidate[] = [
  {
    id: 'run',
    text: 'Race day shoes. Lightweight running shoes for marathon training.',
    advertiser: 'stride',
  },
  { id: 'ball', text: 'Football boots and team kits for every player and coach.', advertiser: 'stride' },
  {
    id: 'bread',
    text: 'Bake better bread. Flour, yeast and a cast iron pot for sourdough.',
    advertiser: 'oven',
  },
  { id: 'rail', text: 'See Europe by train with one rail pass for mountain towns.', advertiser: 'rails' },
];
const SPORTS = 'The striker scored twice as the football team won the match; the coach praised the players.';
const RUNNING =
  'Sixteen weeks to your first marathon: long runs, tempo runs, easy miles and race day pacing.';
const COOKING =
  'Knead the dough, let it rise, then bake the loaf in a hot oven; simmer garlic and tomatoes for the sauce.';

let db = 0;
const open: Locus[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.dispose();
  vi.unstubAllGlobals();
});

async function create(config: Parameters<typeof createLocus>[0] = {}, dbName = `profile-${db++}`) {
  const errors: LocusEventMap['locus:error'][] = [];
  const locus = await createLocus({
    catalog: CATALOG,
    backend: 'cpu',
    encoder: { baseUrl: MODELS, load: 'eager' },
    ...config,
    storage: { dbName, ...config.storage },
  });
  locus.events.addEventListener('locus:error', (e) => errors.push((e as CustomEvent).detail));
  open.push(locus);
  return { locus, errors, dbName };
}

async function databaseExists(name: string): Promise<boolean> {
  return (await indexedDB.databases()).some((info) => info.name === name);
}

function isEmpty(data: ProfileExport): boolean {
  const { interest, consent, events, pages, exposures, examples, models, measurements, embeddings } = data;
  return (
    interest === null &&
    consent === null &&
    [events, pages, exposures, examples, models, measurements, embeddings].every((rows) => rows.length === 0)
  );
}

describe('consent', () => {
  it('required and not given: no database is even created, ranking is contextual only', async () => {
    const { locus, dbName } = await create({ consent: { required: true } });
    await locus.track({ type: 'view', text: SPORTS, url: 'https://news.example/match' });
    await locus.track({ type: 'click', adId: 'ball' });
    const ranked = await locus.rank();
    expect(ranked[0]?.id).toBe('ball'); // the page still matters
    expect(ranked[0]?.explanation.features.signal).toBe('context');
    expect(ranked[0]?.explanation.interests).toEqual([]);
    expect(isEmpty(await locus.profile.export())).toBe(true);
    expect(await databaseExists(dbName)).toBe(false);
    expect(locus.info().consent).toMatchObject({
      storage: false,
      profiling: false,
      required: true,
      settled: true,
    });
    expect(locus.info().storage).toMatchObject({ events: 0, pageViews: 0, bytes: 0 });
  });

  it('granted later on the same page: the page read before the choice counts, events from then on', async () => {
    const { locus } = await create({ consent: { required: true } });
    const changes: LocusEventMap['locus:consent'][] = [];
    locus.events.addEventListener('locus:consent', (e) => changes.push((e as CustomEvent).detail));
    await locus.track({ type: 'view', text: COOKING });
    const info = await locus.setConsent({ storage: true, profiling: true, measurement: true });
    expect(info).toMatchObject({ storage: true, profiling: true, measurement: true, federation: false });
    expect(changes).toHaveLength(1);
    await locus.track({ type: 'click', adId: 'bread' });
    const data = await locus.profile.export();
    expect(data.interest?.pageViews).toBe(1);
    expect(data.events.map((e) => [e.type, e.adId])).toEqual([['click', 'bread']]);
    expect(data.consent?.choice).toEqual({ storage: true, profiling: true, measurement: true });
  });

  it('withdrawal deletes what the purpose covered, at once', async () => {
    const { locus } = await create();
    await locus.track({ type: 'view', text: SPORTS, url: 'https://news.example/match' });
    await locus.track({ type: 'view', adId: 'ball', slot: 'side' });
    await locus.setConsent({ profiling: false });
    let data = await locus.profile.export();
    expect(data.interest).toBeNull();
    expect(data.pages).toEqual([]);
    expect(data.examples).toEqual([]);
    expect(data.embeddings).toEqual([]);
    expect(data.events).toHaveLength(2); // measurement was not withdrawn
    expect(data.exposures.map((x) => [x.kind, x.id, x.dayCount]).sort()).toEqual([
      ['ad', 'ball', 1],
      ['advertiser', 'stride', 1],
    ]);
    expect((await locus.rank())[0]?.explanation.interests).toEqual([]);

    await locus.setConsent({ storage: false });
    data = await locus.profile.export();
    // Only the refusal itself is kept (so that it lasts), nothing else.
    expect(data.consent?.choice).toEqual({ profiling: false, storage: false });
    expect(isEmpty({ ...data, consent: null })).toBe(true);
    expect(locus.info().storage).toMatchObject({ events: 0, pageViews: 0 });
    await locus.track({ type: 'view', text: COOKING });
    expect(isEmpty({ ...(await locus.profile.export()), consent: null })).toBe(true);
  });

  it('a refusal made with setConsent lasts: the next visit stores nothing', async () => {
    const first = await create();
    await first.locus.setConsent({ storage: false });
    await first.locus.dispose();
    open.splice(open.indexOf(first.locus), 1);

    const { locus } = await create({}, first.dbName);
    expect(locus.info().consent).toMatchObject({ storage: false, settled: true });
    await locus.track({ type: 'view', text: SPORTS });
    await locus.track({ type: 'click', adId: 'ball' });
    const data = await locus.profile.export();
    expect(data.consent?.choice).toEqual({ storage: false });
    expect(isEmpty({ ...data, consent: null })).toBe(true);
    // clear() deletes the data; the choice stays in force.
    await locus.profile.clear();
    expect((await locus.profile.export()).consent?.choice).toEqual({ storage: false });
  });

  it('an explicit choice is remembered, and a withdrawal made while away is applied on return', async () => {
    const first = await create();
    await first.locus.track({ type: 'view', text: SPORTS });
    await first.locus.setConsent({ measurement: false });
    await first.locus.dispose();
    open.splice(open.indexOf(first.locus), 1);

    const second = await create({}, first.dbName);
    expect(second.locus.info().consent).toMatchObject({
      measurement: false,
      sources: { explicit: { measurement: false } },
    });
    expect((await second.locus.profile.export()).interest?.pageViews).toBe(1);
  });

  it('GPC: no profile is built (an earlier one is deleted), events are still counted', async () => {
    const { locus, dbName } = await create();
    await locus.track({ type: 'view', text: SPORTS });
    await locus.dispose();
    open.splice(open.indexOf(locus), 1);

    vi.stubGlobal('navigator', { globalPrivacyControl: true });
    const { locus: withGpc } = await create({}, dbName);
    expect(withGpc.info().consent).toMatchObject({
      profiling: false,
      federation: false,
      measurement: true,
      sources: { gpc: true },
    });
    await withGpc.track({ type: 'view', text: COOKING });
    const data = await withGpc.profile.export();
    expect(data.interest).toBeNull();
    expect(data.events.map((e) => e.type)).toEqual(['view', 'view']);
    expect((await withGpc.profile.summary()).interests).toEqual([]);
  });

  it('setConsent rejects a malformed choice with a typed error', async () => {
    const { locus } = await create();
    await expect(locus.setConsent({ profiling: 'no' } as never)).rejects.toMatchObject({
      code: 'invalid-config',
    });
  });
});

describe('interests in words', () => {
  it('summarizes distinct interests as separate clusters with readable labels', async () => {
    const { locus } = await create();
    for (const text of [SPORTS, RUNNING, `${SPORTS} Extra time.`]) await locus.track({ type: 'view', text });
    for (let i = 0; i < 3; i++) await locus.track({ type: 'view', text: `${COOKING} Recipe ${i}.` });
    const summary = await locus.profile.summary();
    expect(summary.pageViews).toBe(6);
    expect(summary.clusters.length).toBeGreaterThanOrEqual(2);
    const labels = summary.interests.map((i) => i.label);
    expect(labels).toContain('Cooking & recipes');
    expect(labels.some((label) => label === 'Team sports' || label === 'Running & fitness')).toBe(true);
    const total = summary.interests.reduce((sum, i) => sum + i.weight, 0);
    expect(total).toBeGreaterThan(0.5);
    expect(total).toBeLessThanOrEqual(1.0001);

    const ranked = await locus.rank();
    const byId = new Map(ranked.map((r) => [r.id, r.explanation.interests.map((i) => i.label)]));
    expect(byId.get('bread')?.[0]).toBe('Cooking & recipes');
    expect(['Team sports', 'Running & fitness']).toContain(byId.get('ball')?.[0]);
  });

  it('uses the publisher taxonomy when given, and falls back (reported) when it cannot be loaded', async () => {
    const tsv = [
      'Unique ID\tParent\tName\tTier 1\tTier 2\tTier 3\tTier 4\t',
      '1\t\tSoccer\tSports\tSoccer\t\t\t',
      '2\t\tBaking\tFood & Drink\tBaking\t\t\t',
      '3\t\tRail Travel\tTravel\tRail Travel\t\t\t',
    ].join('\n');
    const { locus } = await create({
      interests: { taxonomyUrl: `data:text/tab-separated-values,${encodeURIComponent(tsv)}` },
    });
    await locus.track({ type: 'view', text: COOKING });
    expect((await locus.profile.summary()).interests[0]?.label).toBe('Baking');

    const broken = await create({ interests: { taxonomyUrl: 'http://127.0.0.1:9/taxonomy.tsv' } });
    await broken.locus.track({ type: 'view', text: COOKING });
    expect((await broken.locus.profile.summary()).interests[0]?.label).toBe('Cooking & recipes');
    expect(broken.errors.map((e) => e.code)).toEqual(['taxonomy-unavailable']);
  });

  it('dwell time on a page already read strengthens it without counting another view', async () => {
    const { locus } = await create();
    const url = 'https://news.example/bread?ref=home';
    await locus.track({ type: 'view', text: COOKING, url });
    const before = (await locus.profile.export()).interest!;
    await locus.track({ type: 'dwell', value: 60_000, url: 'https://news.example/bread' });
    await locus.track({ type: 'dwell', value: 600_000, url }); // capped at one extra read in total
    const data = await locus.profile.export();
    expect(data.interest?.pageViews).toBe(before.pageViews);
    expect(data.interest!.weight - before.weight).toBeCloseTo(1, 5);
    expect(data.events.filter((e) => e.type === 'dwell').map((e) => e.dwellMs)).toEqual([60_000, 600_000]);
    expect(data.pages[0]).toMatchObject({ dwellMs: 660_000, visits: 1 });
    expect(JSON.stringify(data)).not.toContain('news.example'); // only hashes of addresses are kept
  });
});

describe('retention, export and clear', () => {
  it('keeps at most maxEvents, and records impressions as exposures and training examples', async () => {
    const { locus } = await create({ storage: { maxEvents: 5 } });
    for (let i = 0; i < 4; i++) await locus.track({ type: 'view', adId: 'run', slot: 'side', position: 0 });
    await locus.track({ type: 'click', adId: 'run', slot: 'side' });
    for (let i = 0; i < 3; i++) await locus.track({ type: 'conversion', value: 10 + i });
    const data = await locus.profile.export();
    // The oldest three views went; the newest five events stay.
    expect(data.events.map((e) => e.type)).toEqual([
      'view',
      'click',
      'conversion',
      'conversion',
      'conversion',
    ]);
    expect(data.events.at(-1)).toMatchObject({ type: 'conversion', value: 12 });
    expect(locus.info().storage).toMatchObject({ events: 5, maxEvents: 5, retentionDays: 90 });
    expect(data.exposures.find((x) => x.kind === 'ad')).toMatchObject({
      id: 'run',
      dayCount: 4,
      sessionCount: 4,
      total: 4,
    });
    expect(data.examples.map((x) => x.label)).toEqual([0, 0, 0, 1]);
    expect(data.examples[0]).toMatchObject({ adId: 'run', slot: 'side', position: 0 });
  });

  it('deletes what is older than storage.retentionDays when the profile opens', async () => {
    const DAY = 86_400_000;
    const now = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: now - 40 * DAY });
    const old = await create();
    await old.locus.track({ type: 'view', text: SPORTS });
    await old.locus.track({ type: 'click', adId: 'ball' });
    vi.setSystemTime(now - 10 * DAY);
    await old.locus.track({ type: 'click', adId: 'run' });
    await old.locus.dispose();
    open.splice(open.indexOf(old.locus), 1);
    vi.useRealTimers();

    const { locus } = await create({ storage: { retentionDays: 30 } }, old.dbName);
    const data = await locus.profile.export();
    expect(data.events.map((e) => e.adId)).toEqual(['run']);
    expect(data.interest).toBeNull(); // its only evidence was 40 days old
    expect(locus.info().storage).toMatchObject({ events: 1, pageViews: 0, retentionDays: 30 });
  });

  it('export → clear → export is empty, and info() shows it at once', async () => {
    const { locus } = await create();
    await locus.track({ type: 'view', text: SPORTS });
    await locus.track({ type: 'view', adId: 'ball' });
    await locus.rank(); // fills the embedding cache
    const usage = await locus.profile.usage();
    expect(usage.bytes).toBeGreaterThan(1000);
    expect(usage.stores.embeddings?.records).toBeGreaterThanOrEqual(5);
    const before = await locus.profile.export();
    expect(before.embeddings.length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(before))).toEqual(before); // plain JSON

    await locus.profile.clear();
    expect(locus.info().storage).toMatchObject({ pageViews: 0, events: 0, bytes: 0 });
    expect(isEmpty(await locus.profile.export())).toBe(true);
    expect((await locus.profile.usage()).bytes).toBe(0);
    expect((await locus.rank())[0]?.explanation.interests).toEqual([]);
  });
});

describe('several tabs', () => {
  it('two instances writing at once lose no events and no page views', async () => {
    const a = await create();
    const b = await create({}, a.dbName);
    const writes = (l: Locus, label: string) =>
      Promise.all(Array.from({ length: 25 }, (_, i) => l.track({ type: 'click', adId: `${label}-${i}` })));
    await Promise.all([writes(a.locus, 'a'), writes(b.locus, 'b')]);
    await Promise.all([
      a.locus.track({ type: 'view', text: SPORTS }),
      b.locus.track({ type: 'view', text: COOKING }),
    ]);
    const data = await a.locus.profile.export();
    expect(data.events.filter((e) => e.type === 'click')).toHaveLength(50);
    expect(data.interest?.pageViews).toBe(2);
    // The other tab's counts follow (it hears about the writes).
    await vi.waitFor(() => expect(b.locus.info().storage.events).toBe(52));
  });
});
