// The public API end to end in Node: real encoder (transformers.js + onnxruntime-node on the
// built locus-glove-sif model), real tfjs scorer, fake-indexeddb for the profile.
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
import { afterEach, describe, expect, it } from 'vitest';

const MODELS = dirname(
  dirname(fileURLToPath(import.meta.resolve('@locus/models/artefacts/locus-glove-sif/config.json'))),
);

const CATALOG: AdCandidate[] = [
  { id: 'run', text: 'Race day shoes. Lightweight running shoes for marathon training.', category: 'sports' },
  { id: 'ball', text: 'Football boots and team kits for every player and coach.', category: 'sports' },
  {
    id: 'bread',
    text: 'Bake better bread. Flour, yeast and a cast iron pot for sourdough.',
    category: 'cooking',
  },
  { id: 'pasta', text: 'Fresh pasta at home with garlic, olive oil and tomato sauce.', category: 'cooking' },
  { id: 'rail', text: 'See Europe by train with one rail pass for mountain towns.', category: 'travel' },
  {
    id: 'hotel',
    text: 'Weekend city breaks: boutique hotels, flights and breakfast included.',
    category: 'travel',
  },
];

const SPORTS = 'The striker scored twice as the football team won the match; the coach praised the players.';
const COOKING =
  'Knead the dough, let it rise, then bake the loaf in a hot oven; simmer garlic and tomatoes for the sauce.';

let db = 0;
let locus: Locus | undefined;
afterEach(async () => {
  await locus?.dispose();
  locus = undefined;
});

async function create(config: Parameters<typeof createLocus>[0] = {}) {
  locus = await createLocus({
    catalog: CATALOG,
    backend: 'cpu',
    encoder: { baseUrl: MODELS, load: 'eager' },
    storage: { dbName: `api-${db++}` },
    ...config,
  });
  return locus;
}

const categoryOf = (id: string) => CATALOG.find((ad) => ad.id === id)?.category;

/** Nothing stored at all: no interest, no consent record, every list empty. */
function expectNothingStored(exported: ProfileExport): void {
  const { format, version, exportedAt, interest, consent, ...lists } = exported;
  expect({ format, interest, consent }).toEqual({ format: 'locus-profile', interest: null, consent: null });
  expect(version).toBeGreaterThanOrEqual(2);
  expect(exportedAt).toBeGreaterThan(0);
  for (const [store, rows] of Object.entries(lists)) expect([store, rows]).toEqual([store, []]);
}

describe('createLocus in Node', () => {
  it('ranks by what the user read, and the profile shifts with new reading', async () => {
    const l = await create();
    await l.track({ type: 'view', text: SPORTS });
    await l.track({ type: 'view', text: SPORTS.replace('football', 'soccer') });
    const afterSports = await l.rank();
    expect(afterSports.slice(0, 2).map((ad) => categoryOf(ad.id))).toEqual(['sports', 'sports']);
    // Why, in words: the interest the profile names, from the model's own contributions.
    const [top] = afterSports;
    expect(top!.explanation.features.signal).toBe('profile+context');
    expect(top!.explanation.interests[0]?.label).toMatch(/sport/i);
    expect(top!.explanation.reasons?.[0]).toMatch(/^You read about /);
    for (let i = 0; i < 4; i++) await l.track({ type: 'view', text: `${COOKING} Recipe ${i}.` });
    const afterCooking = await l.rank();
    expect(afterCooking.slice(0, 2).map((ad) => categoryOf(ad.id))).toEqual(['cooking', 'cooking']);
    expect(l.info()).toMatchObject({
      backend: 'cpu',
      catalogSize: 6,
      storage: { available: true, pageViews: 6 },
    });
    const exported = await l.profile.export();
    expect(exported.interest?.pageViews).toBe(6);
    expect(exported.events.map((e) => e.type)).toEqual(Array(6).fill('view'));
  });

  it('scores with the model: pctr is a probability and score is bid × pctr', async () => {
    const l = await create();
    await l.track({ type: 'view', text: COOKING });
    const ranked = await l.rank([
      { id: 'a', text: CATALOG[2]!.text, bid: 2 },
      { id: 'b', text: CATALOG[4]!.text, bid: 2 },
    ]);
    for (const ad of ranked) {
      expect(ad.pctr).toBeGreaterThan(0);
      expect(ad.pctr).toBeLessThan(1);
      expect(ad.score).toBeCloseTo(2 * ad.pctr, 6);
    }
    expect(ranked[0]?.id).toBe('a');
    expect(ranked[0]!.explanation.features.similarity).toBeGreaterThan(
      ranked[1]!.explanation.features.similarity,
    );
  });

  it('skips malformed candidates with a report naming them', async () => {
    const l = await create();
    const errors: LocusEventMap['locus:error'][] = [];
    l.events.addEventListener('locus:error', (e) => errors.push((e as CustomEvent).detail));
    const ranked = await l.rank([{ id: 'ok', text: 'Cheap flights' }, { id: 'bad' } as AdCandidate]);
    expect(ranked.map((ad) => ad.id)).toEqual(['ok']);
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      ['invalid-catalog-entry', 'catalog entry 1 ("bad") skipped: it has no string "text"'],
    ]);
  });

  it('rejects an unknown backend with a typed error', async () => {
    await expect(create({ backend: 'tpu' as never })).rejects.toMatchObject({
      name: 'LocusError',
      code: 'invalid-config',
    });
  });

  it('still ranks, contextually, without IndexedDB', async () => {
    const saved = globalThis.indexedDB;
    // @ts-expect-error simulating a browser mode without IndexedDB
    delete globalThis.indexedDB;
    try {
      const l = await create();
      const errors: string[] = [];
      l.events.addEventListener('locus:error', (e) => errors.push((e as CustomEvent).detail.code));
      expect(l.info().storage).toMatchObject({
        available: false,
        reason: 'IndexedDB is not available in this browser',
      });
      await l.track({ type: 'view', text: COOKING });
      expect(categoryOf((await l.rank())[0]!.id)).toBe('cooking');
      expectNothingStored(await l.profile.export());
      expect(await l.profile.summary()).toMatchObject({ interests: [], pageViews: 0 });
      expect(errors).toEqual([]); // reported once at creation, not again on every call
    } finally {
      globalThis.indexedDB = saved;
    }
  });

  it('clear() deletes the profile and info() shows it', async () => {
    const l = await create();
    await l.track({ type: 'view', text: SPORTS });
    await l.profile.clear();
    expectNothingStored(await l.profile.export());
    expect(l.info().storage).toMatchObject({ pageViews: 0, events: 0, bytes: 0 });
  });
});

describe('text the encoder cannot read', () => {
  it('empty, unknown-word and emoji-only text add no signal and never produce NaN', async () => {
    const l = await create();
    for (const text of ['', '🏃‍♀️🍝✈️', 'qzxv blorptang']) await l.track({ type: 'view', text });
    expect((await l.profile.export()).interest).toBeNull();
    const ranked = await l.rank([
      { id: 'emoji', text: '🎉🎉🎉', bid: 1 },
      { id: 'words', text: 'Cheap flights to sunny beaches', bid: 1 },
    ]);
    expect(ranked).toHaveLength(2);
    for (const ad of ranked) expect(Number.isFinite(ad.score)).toBe(true);
  });
});

describe('exposure fairness in info()', () => {
  it('reports each advertiser’s and category’s share of this user’s impressions', async () => {
    const l = await createLocus({
      catalog: [
        { id: 'a1', text: 'Running shoes for race day.', advertiser: 'Stride', category: 'sports' },
        { id: 'a2', text: 'Trail shoes for long runs.', advertiser: 'Stride', category: 'sports' },
        { id: 'b1', text: 'A cast iron pan for bread.', advertiser: 'Hearth', category: 'cooking' },
      ],
      backend: 'cpu',
      encoder: { baseUrl: MODELS, load: 'eager' },
      storage: { dbName: `api-${db++}` },
    });
    locus = l;
    for (const adId of ['a1', 'a2', 'a1', 'b1']) await l.track({ type: 'view', adId, slot: 'side' });
    await expect.poll(() => l.info().fairness?.impressions, { timeout: 5_000 }).toBe(4);
    expect(l.info().fairness).toMatchObject({
      days: 30,
      advertisers: [
        { key: 'Stride', impressions: 3, share: 0.75 },
        { key: 'Hearth', impressions: 1, share: 0.25 },
      ],
      categories: [
        { key: 'sports', impressions: 3, share: 0.75 },
        { key: 'cooking', impressions: 1, share: 0.25 },
      ],
      advertiserConcentration: 0.75 ** 2 + 0.25 ** 2,
    });
  });
});
