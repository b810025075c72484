import { describe, expect, it } from 'vitest';
import { normalized } from '../util/vector.js';
import { DEFAULT_CATEGORIES } from './categories.js';
import { addToClusters, currentWeight } from './clusters.js';
import { addPageView } from './interest.js';
import type { InterestState } from './schema.js';
import { explainAd, summarize } from './summary.js';
import { parseTaxonomy } from './taxonomy.js';

const DAY = 86_400_000;
const unit = (...xs: number[]) => normalized(Float32Array.from(xs));
const options = { maxClusters: 3, newClusterBelow: 0.65, halfLifeDays: 14 };

describe('interest clusters (online k-means with a budget)', () => {
  it('keeps two distinct interests apart instead of averaging them into neither', () => {
    let clusters = addToClusters([], unit(1, 0, 0), 1, true, 0, options);
    clusters = addToClusters(clusters, unit(0.95, 0.1, 0), 1, true, 0, options);
    clusters = addToClusters(clusters, unit(0, 1, 0), 1, true, 0, options);
    clusters = addToClusters(clusters, unit(0, 0.97, 0.1), 1, true, 0, options);
    expect(clusters).toHaveLength(2);
    expect(clusters.map((c) => c.pageViews)).toEqual([2, 2]);
    // Each centroid stays close to its own interest (the plain sum would sit at 45°).
    expect(clusters[0]!.centroid[0]).toBeGreaterThan(0.9);
    expect(clusters[1]!.centroid[1]).toBeGreaterThan(0.9);
  });

  it('at the budget, merges the two closest centroids to make room for a new interest', () => {
    let clusters = addToClusters([], unit(1, 0, 0, 0), 1, true, 0, options);
    clusters = addToClusters(clusters, unit(0.6, 0.8, 0, 0), 1, true, 0, options); // 0.6: its own cluster
    clusters = addToClusters(clusters, unit(0, 0, 1, 0), 1, true, 0, options);
    expect(clusters).toHaveLength(3);
    clusters = addToClusters(clusters, unit(0, 0, 0, 1), 1, true, 0, options);
    expect(clusters).toHaveLength(3);
    expect(clusters.map((c) => c.pageViews).sort()).toEqual([1, 1, 2]);
    // A page unlike every cluster (best 0.62 < 0.65), but closer to one than the closest pair
    // are to each other (0): merging would distort more, so it joins its nearest cluster.
    const joined = addToClusters(clusters, unit(0.5, 0, 0.6, 0.62), 1, true, 0, options);
    expect(joined).toHaveLength(3);
    expect(joined.map((c) => c.pageViews)).toEqual([1, 2, 2]);
    expect(joined[2]!.centroid[3]).toBeGreaterThan(0.5); // the (0,0,0,1) cluster took it
  });

  it('decays clusters lazily and forgets the ones with no weight left', () => {
    const clusters = addToClusters([], unit(1, 0), 1, true, 0, options);
    expect(currentWeight(clusters[0]!, 14 * DAY, 14)).toBeCloseTo(0.5, 12);
    const later = addToClusters(clusters, unit(0, 1), 1, true, 200 * DAY, options);
    expect(later).toHaveLength(1);
    expect(Array.from(later[0]!.centroid)).toEqual([0, 1]);
  });

  it('dwell reinforcement adds weight without counting a page view', () => {
    const state = addPageView(undefined, unit(1, 0), 'm', 0, 14);
    const reinforced = addPageView(state, unit(1, 0), 'm', 0, 14, { weight: 0.5, countsAsView: false });
    expect(reinforced).toMatchObject({ pageViews: 1, weight: 1.5 });
    expect(reinforced.clusters[0]).toMatchObject({ pageViews: 1, weight: 1.5 });
  });
});

describe('summary and explanations', () => {
  const space = {
    categories: [
      { id: 'run', label: 'Running', text: '' },
      { id: 'cook', label: 'Cooking', text: '' },
      { id: 'travel', label: 'Travel', text: '' },
    ],
    vectors: [unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)],
  };
  const state = (): InterestState => {
    let s = addPageView(undefined, unit(1, 0.1, 0), 'm', 0, 14);
    s = addPageView(s, unit(1, 0, 0.1), 'm', 0, 14);
    s = addPageView(s, unit(1, 0.05, 0.05), 'm', 0, 14);
    return addPageView(s, unit(0.1, 1, 0), 'm', 0, 14);
  };

  it('names the top interests with their share of the profile', () => {
    const summary = summarize(state(), space, 0, 14);
    expect(summary.interests.map((i) => i.label)).toEqual(['Running', 'Cooking']);
    expect(summary.interests[0]!.weight).toBeCloseTo(0.75, 2);
    expect(summary.interests[1]!.weight).toBeCloseTo(0.25, 2);
    expect(summary.clusters).toEqual([
      { label: 'Running', weight: 0.75, pageViews: 3 },
      { label: 'Cooking', weight: 0.25, pageViews: 1 },
    ]);
    expect(summary.pageViews).toBe(4);
  });

  it('recent interests outweigh old ones as time passes', () => {
    let s = addPageView(undefined, unit(1, 0, 0), 'm', 0, 14);
    s = addPageView(s, unit(0, 1, 0), 'm', 28 * DAY, 14);
    const summary = summarize(s, space, 28 * DAY, 14);
    expect(summary.interests.map((i) => [i.label, i.weight])).toEqual([
      ['Cooking', 0.8],
      ['Running', 0.2],
    ]);
  });

  it('explains an ad by the interests it is close to', () => {
    const { weighted } = summarize(state(), space, 0, 14);
    expect(explainAd(unit(0.9, 0.1, 0), weighted).map((i) => i.label)).toEqual(['Running']);
    expect(explainAd(unit(0.3, 1, 0), weighted).map((i) => i.label)).toEqual(['Cooking', 'Running']);
    expect(explainAd(unit(0, 0, 1), weighted)).toEqual([]);
    expect(summarize(undefined, space, 0, 14).interests).toEqual([]);
  });

  it('ships about 25 readable categories, none of them sensitive', () => {
    expect(DEFAULT_CATEGORIES.length).toBeGreaterThanOrEqual(24);
    expect(new Set(DEFAULT_CATEGORIES.map((c) => c.id)).size).toBe(DEFAULT_CATEGORIES.length);
    for (const category of DEFAULT_CATEGORIES)
      expect(category.text.split(',').length).toBeGreaterThanOrEqual(5);
    const words = DEFAULT_CATEGORIES.map((c) => c.text.toLowerCase()).join(' ');
    for (const sensitive of ['religio', 'politic', 'disease', 'sexual', 'ethnic', 'debt'])
      expect(words).not.toContain(sensitive);
  });
});

describe('publisher taxonomies', () => {
  // The layout of the IAB Tech Lab Content Taxonomy 3.x TSV (rows written for this test).
  const IAB_TSV = [
    'Relational ID System\t\t\tContent Taxonomy v3.1 Tiered Categories\t\t\t\tExtension',
    'Unique ID\tParent\tName\tTier 1\tTier 2\tTier 3\tTier 4\t',
    '210\t\tFood & Drink\tFood & Drink\t\t\t\t',
    '216\t210\tCooking\tFood & Drink\tCooking\t\t\t',
    '212\t210\tVegan Diets\tFood & Drink\tVegan Diets\t\t\tSCD',
    '227\t225\tRunning and Jogging\tHealthy Living\tFitness and Exercise\tRunning and Jogging\t\t',
    '\t\t\t\t\t\t\t',
  ].join('\n');

  it('reads the IAB TSV, giving each category its tier path and leaving out sensitive (SCD) rows', () => {
    expect(parseTaxonomy(IAB_TSV)).toEqual([
      { id: '210', label: 'Food & Drink', text: 'Food & Drink' },
      { id: '216', label: 'Cooking', text: 'Food & Drink, Cooking' },
      {
        id: '227',
        label: 'Running and Jogging',
        text: 'Healthy Living, Fitness and Exercise, Running and Jogging',
      },
    ]);
  });

  it('reads a JSON list and rejects what is not a taxonomy with a typed error', () => {
    expect(parseTaxonomy('[{"id": 1, "label": "Boats", "text": "boats, sailing"}, {"label": ""}]')).toEqual([
      { id: '1', label: 'Boats', text: 'boats, sailing' },
    ]);
    expect(() => parseTaxonomy('just some text')).toThrow(
      expect.objectContaining({ code: 'taxonomy-unavailable' }),
    );
    expect(() => parseTaxonomy('[]')).toThrow('no usable categories');
  });
});
