import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agreement } from './agreement.js';
import { bowVectors, sparseCosine } from './bow.js';
import { dataDir, EvalDataMissingError } from './data.js';
import { type DemoCorpus, pageText } from './demo-corpus.js';
import { parentAccuracy, rocAuc } from './metrics.js';
import { demoSeparation, parentDocuments } from './quality.js';
import { selectCandidate } from './selection.js';
import { loadAvailableTasks } from './tasks.js';
import { loadTask, type ParentTask, parseIabTsv, parseTopicsTsv } from './taxonomy.js';

// Synthetic files in the real layouts (no evaluation data is copied into the repository).
const CONTENT = [
  'Relational ID System\t\t\tContent Taxonomy v3.1 Tiered Categories\t\t\t\tExtension',
  'Unique ID\tParent\tName\tTier 1\tTier 2\tTier 3\tTier 4\t',
  '1\t\tSports\tSports\t\t\t\t',
  '2\t1\tSoccer\tSports\tSoccer\t\t\t',
  '3\t2\tWorld Cup\tSports\tSoccer\tWorld Cup\t\t',
  '4\t\tFood & Drink\tFood & Drink\t\t\t\t',
  '5\t4\tBaking \tFood & Drink\tBaking\t\t\t',
  '',
].join('\r\n');
// Ad Product 2.0: header first, and a Tier 1 text that does not match the parent's Name.
const AD_PRODUCT = [
  'Unique ID\tParent ID\tName\tTier 1\tTier 2\tTier 3',
  '10\t\tPersonal/Consumer Telcom\tPersonal/Consumer Telecom\t\t',
  '11\t10\tHome Internet Services\tPersonal/Consumer Telecom\tHome Internet Services\t',
  '20\t\tTravel\tTravel\t\t',
  '21\t20\tHotels\tTravel\tHotels\t',
].join('\r\n');
const TOPICS = [
  'id\ttopic',
  '1\t/Sports',
  '2\t/Sports/Soccer',
  '3\t/Sports/Soccer/Leagues',
  '4\t/Travel',
  '5\t/Travel/Hotels',
].join('\n');

describe('taxonomy parsers', () => {
  it('reads IAB Content 3.1: title row, header row, CRLF, tier-2 rows only, names trimmed', () => {
    const t = parseIabTsv(CONTENT, 'c', 'C');
    expect(t.parents).toEqual(['Sports', 'Food & Drink']);
    expect(t.children).toEqual([
      { name: 'Soccer', parent: 0 },
      { name: 'Baking', parent: 1 },
    ]);
  });

  it('finds parents by id, not by the Tier 1 text', () => {
    const t = parseIabTsv(AD_PRODUCT, 'a', 'A');
    expect(t.parents).toEqual(['Personal/Consumer Telcom', 'Travel']);
    expect(t.children).toEqual([
      { name: 'Home Internet Services', parent: 0 },
      { name: 'Hotels', parent: 1 },
    ]);
  });

  it('reads Topics paths', () => {
    expect(parseTopicsTsv(TOPICS, 't', 'T')).toMatchObject({
      parents: ['Sports', 'Travel'],
      children: [
        { name: 'Soccer', parent: 0 },
        { name: 'Hotels', parent: 1 },
      ],
    });
  });

  it('rejects a file without the header it needs', () => {
    expect(() => parseIabTsv('a\tb\n1\t2', 'x', 'X')).toThrow(/no header row/);
  });
});

describe('evaluation data location', () => {
  const dir = mkdtempSync(join(tmpdir(), 'locus-eval-data-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses LOCUS_DATA_DIR, else ../shared/data next to the repository', () => {
    expect(dataDir({ LOCUS_DATA_DIR: dir })).toBe(dir);
    expect(dataDir({ LOCUS_DATA_DIR: 'data', INIT_CWD: dir })).toBe(join(dir, 'data'));
    expect(dataDir({})).toMatch(/shared[/\\]data$/);
  });

  it('says what is missing and where to get it; the other tasks still load', () => {
    expect(() => loadTask('iab-content-3.1', dir)).toThrow(EvalDataMissingError);
    expect(() => loadTask('iab-content-3.1', dir)).toThrow(/github\.com\/InteractiveAdvertisingBureau/);
    const topics = join(dir, 'topics-taxonomy');
    rmSync(topics, { recursive: true, force: true });
    mkdirSync(topics);
    writeFileSync(join(topics, 'taxonomy_v2.derived.tsv'), TOPICS);
    const { tasks, missing } = loadAvailableTasks(dir);
    expect(tasks.map((t) => t.id)).toEqual(['topics-v2']);
    expect(missing).toHaveLength(2);
    expect(missing[0]).toMatch(/^iab-content-3\.1: not measured/);
  });
});

const TASK: ParentTask = {
  id: 't',
  title: 'T',
  parents: ['p0', 'p1', 'p2'],
  children: [
    { name: 'c0', parent: 0 },
    { name: 'c1', parent: 1 },
    { name: 'c2', parent: 2 },
    { name: 'c3', parent: 0 },
  ],
};

describe('metrics', () => {
  it('accuracy@1 gives ties a fractional credit', () => {
    const sims = [
      [1, 0, 0], // right
      [0, 0, 1], // wrong
      [0.5, 0.5, 0.5], // three-way tie, right among them: 1/3
      [0, 0, 0], // all zero: a tie again, 1/3
    ];
    const r = parentAccuracy(TASK, (c, p) => sims[c]![p]!);
    expect(r.accuracy).toBeCloseTo((1 + 0 + 1 / 3 + 1 / 3) / 4, 12);
    expect(r).toMatchObject({ children: 4, parents: 3 });
  });

  it('ROC AUC counts ties as one half', () => {
    expect(rocAuc([3, 2], [1, 0])).toBe(1);
    expect(rocAuc([1], [1])).toBe(0.5);
    expect(rocAuc([0], [1, 2])).toBe(0);
  });

  it('builds leave-one-out parent documents', () => {
    const { docs, leaveOneOut } = parentDocuments(TASK);
    expect(docs).toEqual(['c0. c3', 'c1', 'c2']);
    expect(leaveOneOut).toEqual(['c3', '', '', 'c0']);
  });

  it('bag of words: binary and TF-IDF cosine, [UNK] is no term', () => {
    const vocab = new Map([
      ['[UNK]', 1],
      ['hotel', 10],
      ['deals', 11],
      ['cheap', 12],
    ]);
    const [a, b, c] = bowVectors(['cheap hotel deals', 'hotel hotel', 'qwzx'], 'binary', vocab);
    expect([...a!.keys()].sort()).toEqual([10, 11, 12]);
    expect(sparseCosine(a!, b!)).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(c!.size).toBe(0);
    const [x, y] = bowVectors(['cheap hotel', 'hotel deals'], 'tfidf', vocab);
    expect(x!.get(10)).toBeLessThan(x!.get(12)!); // "hotel" is in both texts: lower idf
    expect(sparseCosine(x!, y!)).toBeGreaterThan(0);
  });

  it('agreement skips zero reference vectors and compares predicted parents', () => {
    const ref = new Map<string, number[]>([
      ['p0', [1, 0]],
      ['p1', [0, 1]],
      ['p2', [-1, 0]],
      ['c0', [1, 0.1]],
      ['c1', [0, 0]],
    ]);
    const other = new Map<string, number[]>([...ref].map(([k, v]) => [k, k === 'c0' ? [0.1, 1] : v]));
    const a = agreement(ref, other, { ...TASK, children: TASK.children.slice(0, 2) });
    expect(a.texts).toBe(4);
    expect(a.minCosine).toBeLessThan(0.3);
    expect(a.parentAgreement).toBe(0.5); // c0 flips from p0 to p1; c1 (zero) predicts p0 in both
  });
});

describe('demo separation', () => {
  const corpus: DemoCorpus = {
    pages: [
      { path: 'sports/a.html', topic: 'sports', text: '' },
      { path: 'travel/b.html', topic: 'travel', text: '' },
    ],
    ads: [
      { id: 's', category: 'sports', text: '' },
      { id: 't', category: 'travel', text: '' },
      { id: 'f', category: 'finance', text: '' },
    ],
  };
  it('measures same- vs cross-topic cosine and rankings', () => {
    const sims = [
      [0.9, 0.2, 0.5],
      [0.1, 0.4, 0.6], // the finance ad beats the travel ad here
    ];
    const d = demoSeparation(corpus, (p, a) => sims[p]![a]!);
    expect(d.sameTopic).toBeCloseTo(0.65, 12);
    expect(d.crossTopic).toBeCloseTo((0.2 + 0.5 + 0.1 + 0.6) / 4, 12);
    expect(d.auc).toBeCloseTo((1 + 0.5) / 2, 12);
    expect(d.pageTop1).toBe(0.5);
    expect(d.adTop1).toBe(1); // each topical ad's nearest page has its topic; finance is not counted
  });
});

describe('pageText (the SDK rule on static HTML)', () => {
  it('keeps title, description and article text; drops header, aside, nav, scripts and slots', () => {
    const html = `<html><head><title>Pasta &amp; Sauce</title><meta name="description" content="Quick dinners" />
      <script>var x = 1;</script></head><body><nav>Home</nav><main><article>
      <header><h1>Kicker</h1></header><p>Boil the <b>pasta</b>.</p><aside>Ad</aside>
      <div data-locus-slot="x">slot</div><p hidden>secret</p><p>Serve&nbsp;hot &#8212; enjoy</p></article></main>
      <footer>© site</footer></body></html>`;
    expect(pageText(html)).toBe('Pasta & Sauce Quick dinners Boil the pasta . Serve hot — enjoy');
  });
});

describe('selectCandidate', () => {
  const items = (n: number, hits: number) => Array.from({ length: n }, (_, i) => (i < hits ? 1 : 0));
  it('lets the demo choose only among variants the best does not clearly beat', () => {
    const best = { groups: [items(300, 180), items(200, 120)], demoGap: 0.5 };
    // Differs from the best on 19 + 9 items in both directions, one net miss per group: noise.
    const swap = (xs: number[], lose: number, win: number) =>
      xs.map((x, i) => (i < lose ? 0 : i >= 180 && i < 180 + win ? 1 : x));
    const closeBetterDemo = {
      groups: [swap(items(300, 180), 10, 9), swap(items(200, 120), 5, 4)],
      demoGap: 0.9,
    };
    const clearlyWorseBestDemo = { groups: [items(300, 120), items(200, 80)], demoGap: 1 };
    const s = selectCandidate([best, closeBetterDemo, clearlyWorseBestDemo]);
    expect(s.best).toBe(0);
    expect(s.tied).toEqual([true, true, false]);
    expect(s.notBeaten[2]).toBe(0);
    expect(s.chosen).toBe(1);
    expect(selectCandidate([best, clearlyWorseBestDemo]).chosen).toBe(0);
  });

  it('is deterministic and refuses candidates scored on different items', () => {
    const a = { groups: [items(50, 30)], demoGap: 0.5 };
    const b = { groups: [items(50, 29)], demoGap: 0.6 };
    expect(selectCandidate([a, b])).toEqual(selectCandidate([a, b]));
    expect(() => selectCandidate([a, { groups: [items(49, 30)], demoGap: 0 }])).toThrow(RangeError);
  });
});
