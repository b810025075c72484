import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelsDir } from '@locus/models';
import { chromium } from 'playwright-core';
import { syntheticCatalog } from '../ads.js';
import { type Row, summarize } from '../harness.js';
import { articleHtml } from './profile-article.js';

const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((path) => existsSync(path));
const ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
];
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** The article page with the script tag a publisher adds (the wasm encoder, the real IndexedDB). */
function benchPage(): string {
  const loader = `<script>window.locus = window.locus || { cmd: [] };
locus.cmd.push(() => locus.init({ catalog: '/ads.json', backend: 'wasm', storage: { dbName: 'bench', maxEvents: 100000 } }));</script>
<script async src="/locus/locus.js"></script>`;
  return articleHtml(2000).replace('</head>', `${loader}</head>`);
}

/** Serves the built script-tag SDK and the models the way a publisher hosts them. */
function serve(): Promise<Server> {
  const sdk = dirname(fileURLToPath(import.meta.resolve('@locus/sdk/cdn/locus.js')));
  const models = modelsDir();
  const page = benchPage();
  const ads = JSON.stringify(syntheticCatalog(200));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/' || path === '/article.html')
      return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    if (path === '/ads.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(ads);
    const [prefix, root] = path.startsWith('/locus/models/') ? ['/locus/models/', models] : ['/locus/', sdk];
    const file = normalize(join(root, decodeURIComponent(path.slice(prefix.length))));
    if (!path.startsWith(prefix) || !file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      return res.writeHead(404).end();
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface PageResults {
  samples: Record<string, number[]>;
  usage: { before: number; after: number; estimateBefore: number; estimateAfter: number; events: number };
}

/**
 * The same measurements as the Node suite, in headless Chromium: the encoder on wasm, the real
 * IndexedDB (LevelDB on disk) and Web Locks. Timed inside the page with performance.now().
 */
export async function profileChromiumSuite(options: {
  iterations: number;
  warmup: number;
}): Promise<{ rows: Row[]; checks: string[] }> {
  if (!CHROMIUM) throw new Error('Chromium not found (apt-get install chromium)');
  const server = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    const page = await browser.newPage();
    // tsx (esbuild keepNames) wraps functions in __name(); the functions evaluated in the page need it too.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/article.html`);
    await page.waitForFunction(
      () => (window as unknown as { locus?: { installed?: boolean } }).locus?.installed,
    );
    await page.evaluate(() => (window as unknown as { locus: { ready: Promise<void> } }).locus.ready);
    const results: PageResults = await page.evaluate(async ({ iterations, warmup }) => {
      type Api = {
        track(e: object): Promise<void>;
        observePage(): Promise<void>;
        profile: { usage(): Promise<{ bytes: number; stores: Record<string, { records: number }> }> };
      };
      const locus = (window as unknown as { locus: Api }).locus;
      const samples: Record<string, number[]> = {};
      let n = 0;
      const measure = async (name: string, run: (i: number) => Promise<unknown>) => {
        for (let w = 0; w < warmup; w++) await run(n++);
        const times: number[] = [];
        for (let i = 0; i < iterations; i++) {
          const start = performance.now();
          await run(n++);
          times.push(performance.now() - start);
        }
        samples[name] = times;
      };
      const words = document.querySelector('article')!.textContent!.split(/\s+/).slice(0, 60).join(' ');
      await locus.observePage(); // the encoder is warm and this page is in the profile
      await measure('impression', (i) =>
        locus.track({ type: 'view', adId: `ad-${i % 200}`, slot: 'side', position: 0 }),
      );
      await measure('click', (i) =>
        locus.track({ type: 'click', adId: `ad-${(i * 7) % 200}`, slot: 'side' }),
      );
      await measure('dwell', () => locus.track({ type: 'dwell', value: 1000, url: location.href }));
      await measure('view', (i) =>
        locus.track({ type: 'view', text: `${words} story ${i}`, url: `${location.href}/${i}` }),
      );
      await measure('observe', (i) => {
        document.title = `Sixteen weeks to your first marathon, part ${i}`;
        return locus.observePage();
      });
      await measure('observe-cached', () => locus.observePage());

      const estimate = async () => (await navigator.storage.estimate()).usage ?? 0;
      const before = await locus.profile.usage();
      const estimateBefore = await estimate();
      for (let i = 0; i < 1000; i++) await locus.track({ type: 'click', adId: `ad-${i % 200}` });
      const after = await locus.profile.usage();
      return {
        samples,
        usage: {
          before: before.bytes,
          after: after.bytes,
          estimateBefore,
          estimateAfter: await estimate(),
          events: (after.stores.events?.records ?? 0) - (before.stores.events?.records ?? 0),
        },
      };
    }, options);

    const where = 'Chromium (wasm, IndexedDB)';
    const names: [string, string][] = [
      ['impression', 'track() ad impression: log + exposure + example'],
      ['click', 'track() click: log + labels its impression'],
      ['dwell', 'track() dwell: log + interest update (1 tx)'],
      ['view', 'track() view with 60 new words: embed + interest/cluster update'],
      ['observe', 'observePage(), 2,000-word article'],
      ['observe-cached', 'observePage(), same article again (cached embedding)'],
    ];
    const rows = names.map(([key, name]) =>
      summarize({ name, backend: where, times: results.samples[key]! }),
    );
    const { usage } = results;
    if (usage.events !== 1000) throw new Error(`expected 1,000 more events, found ${usage.events}`);
    const checks = [
      `Chromium storage for 1,000 click events: ${(usage.after - usage.before).toLocaleString('en')} B of records ` +
        `(profile.usage()); navigator.storage.estimate() grew by ${(usage.estimateAfter - usage.estimateBefore).toLocaleString('en')} B ` +
        '(on disk, LevelDB: compaction makes this figure noisy)',
    ];
    return { rows, checks };
  } finally {
    await browser.close();
    server.close();
  }
}
