import 'fake-indexeddb/auto';
import { modelsDir } from '@locus/models';
import { createLocus, type Locus } from '@locus/sdk';
import { Window } from 'happy-dom';
import { syntheticCatalog } from '../ads.js';
import { type Row, summarize, time } from '../harness.js';
import { articleHtml, articleWords } from './profile-article.js';

export interface ProfileSuiteOptions {
  iterations: number;
  warmup: number;
}

const PAGE = 'https://news.example/running/first-marathon';

/** A DOM for observePage() in Node (happy-dom), exposed the way a browser page has it. */
function installDocument(html: string): () => void {
  const window = new Window({ url: PAGE });
  window.document.write(html);
  const globals = globalThis as Record<string, unknown>;
  const saved = { document: globals.document, location: globals.location, NodeFilter: globals.NodeFilter };
  Object.assign(globals, {
    document: window.document,
    location: window.location,
    NodeFilter: window.NodeFilter,
  });
  return () => {
    Object.assign(globals, saved);
    void window.happyDOM.close();
  };
}

async function fresh(name: string): Promise<Locus> {
  return createLocus({
    catalog: syntheticCatalog(200),
    backend: 'cpu',
    encoder: { baseUrl: modelsDir(), dtype: 'q8' },
    storage: { dbName: `bench-profile-${name}-${Date.now()}`, maxEvents: 100_000 },
  });
}

/**
 * The profile's own costs, through the public API (Node, fake-indexeddb): track() per event
 * with the interest update it implies, observePage() on a 2,000-word article, and how many
 * bytes 1,000 events take in storage.
 */
export async function profileSuite(options: ProfileSuiteOptions): Promise<{ rows: Row[]; checks: string[] }> {
  const where = 'Node (fake-indexeddb)';
  const rows: Row[] = [];
  const checks: string[] = [];
  const locus = await fresh('track');
  await locus.track({ type: 'view', text: articleWords(200).join(' '), url: PAGE }); // loads the encoder

  const measure = async (name: string, run: (i: number) => Promise<unknown>) => {
    let i = 0;
    for (let w = 0; w < options.warmup; w++) await run(i++);
    rows.push(summarize({ name, backend: where, times: await time(() => run(i++), options.iterations) }));
  };

  await measure('track() ad impression: log + exposure + example', (i) =>
    locus.track({ type: 'view', adId: `ad-${i % 200}`, slot: 'side', position: 0 }),
  );
  await measure('track() click: log + labels its impression', (i) =>
    locus.track({ type: 'click', adId: `ad-${(i * 7) % 200}`, slot: 'side' }),
  );
  await measure('track() dwell: log + interest update (1 tx)', () =>
    locus.track({ type: 'dwell', value: 1000, url: PAGE }),
  );
  await measure('track() view with 60 new words: embed + interest/cluster update', (i) =>
    locus.track({ type: 'view', text: `${articleWords(60).join(' ')} story ${i}`, url: `${PAGE}/${i}` }),
  );
  const pageViews = (await locus.profile.export()).interest?.pageViews ?? 0;
  const expected = 1 + options.warmup + options.iterations;
  if (pageViews !== expected)
    throw new Error(`expected ${expected} page views, the profile has ${pageViews}`);
  checks.push(`every timed view reached the interest state (${pageViews} page views)`);
  await locus.dispose();

  // observePage() on 2,000 words: extraction + embedding + interest update. First run of each
  // text embeds it; the same page again hits the embedding cache (extraction + update only).
  const restore = installDocument(articleHtml(2000));
  try {
    const reader = await fresh('observe');
    await reader.track({ type: 'view', text: 'warm up the encoder' });
    let n = 0;
    const newText = () => {
      document.title = `Sixteen weeks to your first marathon, part ${n++}`;
      return reader.observePage();
    };
    for (let w = 0; w < options.warmup; w++) await newText();
    rows.push(
      summarize({
        name: 'observePage(), 2,000-word article',
        backend: where,
        times: await time(newText, options.iterations),
      }),
    );
    rows.push(
      summarize({
        name: 'observePage(), same article again (cached embedding)',
        backend: where,
        times: await time(() => reader.observePage(), options.iterations),
      }),
    );
    const { pages } = await reader.profile.export();
    if (pages.length !== 1) throw new Error(`one URL should keep one page record, found ${pages.length}`);
    checks.push(
      `observePage() kept one page record for the URL, updated in place (${pages[0]!.visits} visits)`,
    );
    await reader.dispose();
  } finally {
    restore();
  }

  // Storage per 1,000 events: a realistic mix (60% impressions, 10% clicks, 30% dwell).
  const counter = await fresh('bytes');
  const empty = await counter.profile.usage();
  for (let i = 0; i < 1000; i++) {
    const kind = i % 10;
    if (kind < 6)
      await counter.track({ type: 'view', adId: `ad-${i % 200}`, slot: 'side', position: kind % 3 });
    else if (kind === 6) await counter.track({ type: 'click', adId: `ad-${(i - 6) % 200}`, slot: 'side' });
    else await counter.track({ type: 'dwell', value: 1000 + i, url: `${PAGE}/${i % 50}` });
  }
  const usage = await counter.profile.usage();
  const bytes = (store: string) => (usage.stores[store]?.bytes ?? 0) - (empty.stores[store]?.bytes ?? 0);
  const records = usage.stores.events?.records ?? 0;
  if (records !== 1000) throw new Error(`expected 1,000 stored events, found ${records}`);
  checks.push(
    `storage per 1,000 events: events ${bytes('events').toLocaleString('en')} B, ` +
      `+ exposures ${bytes('exposures').toLocaleString('en')} B (${usage.stores.exposures?.records} records), ` +
      `+ training examples ${bytes('examples').toLocaleString('en')} B (${usage.stores.examples?.records} records); ` +
      `payload bytes as counted by profile.usage()`,
  );
  await counter.dispose();
  return { rows, checks };
}
