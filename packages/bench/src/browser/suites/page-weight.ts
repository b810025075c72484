import type { Browser, BrowserContext } from 'playwright-core';
import { type Row, summarize } from '../../harness.js';
import { echoPageErrors, freshContext, withChromium } from '../chromium.js';
import {
  DEMO_ARTICLE,
  KIND_ORDER,
  ML_KINDS,
  type RequestKind,
  requestKinds,
  startDemoServer,
} from '../demo-server.js';
import { type NetEntry, recordNetwork } from '../network-log.js';
import { formatGrid, formatTimings, type SuiteReport } from '../report.js';
import { addSizes, kB, MB, type Sizes } from '../sizes.js';
import type { StaticServer } from '../static-server.js';

export interface PageWeightOptions {
  /** Cold visits, each in a fresh context and followed by one warm visit in the same context. */
  runs: number;
}

interface Marks {
  /** performance.now() of the first `locus:slot-filled`, and the same instant in epoch ms. */
  fillMs: number;
  fillEpoch: number;
  /** locus.js's resource timing: request start and response end (ms since navigation). */
  scriptStartMs: number;
  scriptEndMs: number;
  encoderStatus: string;
}

interface Visit {
  marks: Marks;
  entries: (NetEntry & { kind: RequestKind })[];
}

/** The page globals this suite reads: the probe below and the script-tag API. */
type ProbedWindow = Window & {
  __fillProbe: { fillMs: number; fillEpoch: number };
  locus?: { info?: () => { encoder: { status: string } } | null };
};

/** Records the first fill's time in every page of the context, before any page script runs. */
const FILL_PROBE = () => {
  const probe = { fillMs: Number.NaN, fillEpoch: Number.NaN };
  (window as unknown as ProbedWindow).__fillProbe = probe;
  window.addEventListener(
    'locus:slot-filled',
    () => {
      if (!Number.isNaN(probe.fillMs)) return;
      probe.fillMs = performance.now();
      probe.fillEpoch = performance.timeOrigin + probe.fillMs;
    },
    { capture: true },
  );
};

async function visit(context: BrowserContext, server: StaticServer, kindOf: (path: string) => RequestKind) {
  const recorder = recordNetwork(context, server);
  const page = await context.newPage();
  try {
    await page.goto(`${server.origin}${DEMO_ARTICLE}`);
    await page.waitForFunction(
      () => !Number.isNaN((window as unknown as ProbedWindow).__fillProbe.fillMs),
      undefined,
      {
        timeout: 60_000,
      },
    );
    // Total weight: once the (idle-loaded) encoder is ready and the network has gone quiet.
    await page.waitForFunction(
      () =>
        ['ready', 'failed', 'deferred'].includes(
          (window as unknown as ProbedWindow).locus?.info?.()?.encoder.status ?? '',
        ),
      undefined,
      { timeout: 120_000 },
    );
    await recorder.idle(1500, 60_000);
    const marks = await page.evaluate((): Marks => {
      const probedWindow = window as unknown as ProbedWindow;
      const probe = probedWindow.__fillProbe;
      const script = performance
        .getEntriesByType('resource')
        .find((entry) => new URL(entry.name).pathname === '/locus/locus.js') as PerformanceResourceTiming;
      return {
        fillMs: probe.fillMs,
        fillEpoch: probe.fillEpoch,
        scriptStartMs: script?.startTime ?? Number.NaN,
        scriptEndMs: script?.responseEnd ?? Number.NaN,
        encoderStatus: probedWindow.locus?.info?.()?.encoder.status ?? 'no Locus',
      };
    });
    const entries = recorder.entries().map((e) => ({ ...e, kind: kindOf(e.path.split('?')[0]!) }));
    return { marks, entries } satisfies Visit;
  } finally {
    recorder.stop();
    await page.close();
  }
}

const sum = (entries: NetEntry[]) => addSizes(entries.map((e) => e.sizes));
const sizeCells = (s: Sizes) => [kB(s.raw), kB(s.gzip), kB(s.brotli)];

function weightTable(cold: Visit): string {
  const before = cold.entries.filter((e) => e.end <= cold.marks.fillEpoch);
  const rows = KIND_ORDER.flatMap((kind) => {
    const all = cold.entries.filter((e) => e.kind === kind);
    if (all.length === 0) return [];
    const early = before.filter((e) => e.kind === kind);
    return [[kind, `${early.length}/${all.length}`, ...sizeCells(sum(early)), ...sizeCells(sum(all))]];
  });
  rows.push([
    'total',
    `${before.length}/${cold.entries.length}`,
    ...sizeCells(sum(before)),
    ...sizeCells(sum(cold.entries)),
  ]);
  return formatGrid(
    `Page weight, first visit (cold cache), demo ${DEMO_ARTICLE}, default configuration (kB = 1,000 bytes)`,
    [
      'kind',
      'requests before fill/total',
      'before fill raw',
      'gzip',
      'brotli',
      'total raw',
      'gzip',
      'brotli',
    ],
    rows,
  );
}

function beforeFillTable(cold: Visit, navStart: number): string {
  const before = cold.entries.filter((e) => e.end <= cold.marks.fillEpoch);
  return formatGrid(
    `Requests completed before the first filled slot (fill at ${cold.marks.fillMs.toFixed(0)} ms after navigation start)`,
    ['done at ms', 'kind', 'ML?', 'request', 'raw kB', 'gzip kB'],
    before.map((e) => [
      (e.end - navStart).toFixed(0),
      e.kind,
      ML_KINDS.has(e.kind) ? 'ML' : '',
      e.path,
      kB(e.sizes.raw),
      kB(e.sizes.gzip),
    ]),
  );
}

/**
 * The demo article's first visit: bytes before the first filled slot and in total (once the
 * encoder is loaded and the network is idle), raw and compressed, by kind; time from script to
 * first fill with a cold and a warm cache; and which requests the first fill waited for.
 */
export async function pageWeightSuite(options: PageWeightOptions): Promise<SuiteReport> {
  const server = await startDemoServer();
  const kindOf = requestKinds();
  const colds: Visit[] = [];
  const warms: Visit[] = [];
  try {
    await withChromium(async (browser: Browser) => {
      for (let run = 0; run < options.runs; run++) {
        console.error(`  visit ${run + 1}/${options.runs}: cold, then warm…`);
        const context = await freshContext(browser);
        echoPageErrors(context, 'page-weight');
        await context.addInitScript(FILL_PROBE);
        try {
          colds.push(await visit(context, server, kindOf));
          warms.push(await visit(context, server, kindOf));
        } finally {
          await context.close();
        }
      }
    });
  } finally {
    await server.close();
  }

  const first = colds[0]!;
  const navStart = first.marks.fillEpoch - first.marks.fillMs;
  const times = (visits: Visit[], from: (m: Marks) => number) =>
    visits.map((v) => v.marks.fillMs - from(v.marks));
  const timing: Row[] = [
    summarize({
      name: 'cold: navigation start → first fill',
      backend: 'demo, Chromium',
      times: times(colds, () => 0),
    }),
    summarize({
      name: 'cold: locus.js requested → first fill',
      backend: 'demo, Chromium',
      times: times(colds, (m) => m.scriptStartMs),
    }),
    summarize({
      name: 'cold: locus.js loaded → first fill',
      backend: 'demo, Chromium',
      times: times(colds, (m) => m.scriptEndMs),
    }),
    summarize({
      name: 'warm: navigation start → first fill',
      backend: 'demo, Chromium',
      times: times(warms, () => 0),
    }),
    summarize({
      name: 'warm: locus.js requested → first fill',
      backend: 'demo, Chromium',
      times: times(warms, (m) => m.scriptStartMs),
    }),
    summarize({
      name: 'warm: locus.js loaded → first fill',
      backend: 'demo, Chromium',
      times: times(warms, (m) => m.scriptEndMs),
    }),
  ];

  const total = sum(first.entries);
  const waitedFor = first.entries.filter((e) => e.end <= first.marks.fillEpoch && ML_KINDS.has(e.kind));
  const warm = warms[0]!;
  const warmSent = warm.entries.filter((e) => e.server?.status === 200);
  const warmRevalidated = warm.entries.filter((e) => e.server?.status === 304);
  const warmCached = warm.entries.filter((e) => !e.server && !e.failed);
  const problems = first.entries.filter((e) => e.failed || (e.server && e.server.status >= 400));
  const zeroInBrowser = first.entries.filter((e) => e.server?.status === 200 && e.browserBytes === 0);
  const totals = colds.map((v) => sum(v.entries).gzip);

  const checks = [
    `target: total first visit ≤ 3 MB compressed: ${MB(total.gzip)} MB gzip / ${MB(total.brotli)} MB brotli (${MB(total.raw)} MB raw) → ${total.gzip <= 3_000_000 ? 'met' : 'NOT met'} (gzip totals of the ${colds.length} cold runs: ${totals.map(MB).join(', ')} MB)`,
    `target: the first fill must not wait for ML chunks → ${waitedFor.length === 0 ? 'met' : `NOT met: ${waitedFor.length} ML requests completed before the fill (${MB(sum(waitedFor).gzip)} MB gzip): ${waitedFor.map((e) => e.path).join(', ')}`}`,
    `encoder status when measured: ${first.marks.encoderStatus}`,
    `warm visit (same context): ${warm.entries.length} requests, ${warmSent.length} re-sent (${kB(sum(warmSent).raw)} kB), ${warmRevalidated.length} revalidated (304), ${warmCached.length} from the browser cache; served with ETag, "no-cache" for unhashed files and "immutable" for content-hashed ones`,
    'the bench server does not compress: gzip (level 9) and brotli (quality 9) sizes are computed with zlib from each response body',
    ...(zeroInBrowser.length > 0
      ? [
          `the browser reported 0 body bytes for ${zeroInBrowser.map((e) => e.path).join(', ')} (CDP does not size a worker's own script); the server's byte count is used`,
        ]
      : []),
    ...problems.map((e) => `request problem: ${e.path} ${e.failed ?? `HTTP ${e.server?.status}`}`),
  ];
  return {
    tables: [
      weightTable(first),
      formatTimings(
        `Time to first filled slot, demo ${DEMO_ARTICLE} (cold: fresh context; warm: second visit, same context)`,
        timing,
      ),
      beforeFillTable(first, navStart),
    ],
    checks,
    data: { colds, warms, timing },
  };
}
