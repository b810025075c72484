import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { median, type Row, summarize } from '../../harness.js';
import { demoDistDir } from '../artefacts.js';
import { echoPageErrors, freshContext, withChromium } from '../chromium.js';
import { DEMO_ARTICLE, startDemoServer } from '../demo-server.js';
import { recordNetwork } from '../network-log.js';
import { formatGrid, formatTimings, ms, type SuiteReport } from '../report.js';
import type { StaticServer } from '../static-server.js';
import { type VitalsProbe, vitalsProbeScript } from '../vitals-probe.js';

export interface WebVitalsOptions {
  /** Visits per variant, interleaved (with, without, without, with, …), each in a fresh context. */
  runs: number;
}

const NO_LOCUS = DEMO_ARTICLE.replace('.html', '.no-locus.html');
const SNIPPET = /<script>\s*window\.locus = window\.locus[\s\S]*?<\/script>\s*/;
const LOADER = /<script async src="\/locus\/locus\.js"><\/script>\s*/;

/** The demo article without the Locus snippet and loader: the baseline page. */
function withoutLocus(): string {
  const html = readFileSync(join(demoDistDir(), DEMO_ARTICLE), 'utf8');
  if (!SNIPPET.test(html) || !LOADER.test(html)) {
    throw new Error(
      `the Locus snippet was not found in ${DEMO_ARTICLE}: update the patterns in web-vitals.ts`,
    );
  }
  return html.replace(SNIPPET, '').replace(LOADER, '');
}

type Variant = 'with Locus' | 'without Locus';

interface Visit {
  variant: Variant;
  probe: VitalsProbe;
}

const isLocus = (url: string) => new URL(url, 'http://x').pathname.startsWith('/locus/');

async function visit(
  browser: Browser,
  server: StaticServer,
  variant: Variant,
  probe: string,
): Promise<Visit> {
  const context = await freshContext(browser);
  echoPageErrors(context, `web-vitals ${variant}`);
  await context.addInitScript(probe);
  const recorder = recordNetwork(context, server);
  try {
    const page = await context.newPage();
    await page.goto(`${server.origin}${variant === 'with Locus' ? DEMO_ARTICLE : NO_LOCUS}`);
    // One click on article text while Locus initializes: an interaction for INP, the same in both.
    await page.click('article p');
    if (variant === 'with Locus') {
      await page.waitForFunction(
        () => {
          const p = (window as unknown as { __vitals: VitalsProbe }).__vitals;
          return p.fillMs !== null && p.encoderReadyMs !== null;
        },
        undefined,
        { timeout: 120_000 },
      );
    }
    await recorder.idle(1500, 60_000);
    // Long frames are reported when they end: give the last one a moment.
    await page.waitForTimeout(300);
    return {
      variant,
      probe: await page.evaluate(() => (window as unknown as { __vitals: VitalsProbe }).__vitals),
    };
  } finally {
    recorder.stop();
    await context.close();
  }
}

/** Long animation frames in which a Locus script ran, with Locus's share of them. */
function locusFrames(probe: VitalsProbe) {
  return probe.frames
    .map((frame) => ({
      ...frame,
      locusMs: frame.scripts.filter((s) => isLocus(s.url)).reduce((sum, s) => sum + s.duration, 0),
    }))
    .filter((frame) => frame.scripts.some((s) => isLocus(s.url)));
}

/**
 * Locus's impact on the demo article's web vitals: LCP, CLS and INP (web-vitals) and main-thread
 * long tasks, with Locus and on a copy of the page without the snippet, interleaved.
 */
export async function webVitalsSuite(options: WebVitalsOptions): Promise<SuiteReport> {
  const server = await startDemoServer({ [NO_LOCUS]: withoutLocus() });
  const probe = vitalsProbeScript();
  const visits: Visit[] = [];
  try {
    await withChromium(async (browser) => {
      for (let run = 0; run < options.runs; run++) {
        const order: Variant[] =
          run % 2 === 0 ? ['with Locus', 'without Locus'] : ['without Locus', 'with Locus'];
        console.error(`  run ${run + 1}/${options.runs}…`);
        for (const variant of order) visits.push(await visit(browser, server, variant, probe));
      }
    });
  } finally {
    await server.close();
  }

  const of = (variant: Variant) => visits.filter((v) => v.variant === variant).map((v) => v.probe);
  const [withL, without] = [of('with Locus'), of('without Locus')];
  const where = 'demo, Chromium (cold)';
  const metric = (name: string, pick: (p: VitalsProbe) => number) => {
    const a = summarize({ name: `${name}, with Locus`, backend: where, times: withL.map(pick) });
    const b = summarize({ name: `${name}, without Locus`, backend: where, times: without.map(pick) });
    a.ratio = a.medianMs / b.medianMs;
    return [a, b];
  };
  const longTaskMs = (p: VitalsProbe) => p.longTasks.reduce((sum, t) => sum + t.duration, 0);
  const timings: Row[] = [
    ...metric('LCP ms', (p) => p.lcp?.value ?? Number.NaN),
    ...metric('INP ms (one click on article text during init)', (p) => p.inp?.value ?? Number.NaN),
    ...metric('long tasks > 50 ms: total ms per visit', longTaskMs),
    ...metric('longest task ms', (p) => Math.max(0, ...p.longTasks.map((t) => t.duration))),
  ];

  const summaryRows = (
    [
      ['with Locus', withL],
      ['without Locus', without],
    ] as const
  ).map(([variant, probes]) => [
    variant,
    String(probes.length),
    Math.max(...probes.map((p) => p.cls.value)).toFixed(4),
    [...new Set(probes.map((p) => p.cls.largestShiftTarget).filter(Boolean))].join(', ') || '-',
    median(probes.map((p) => p.longTasks.length)).toString(),
    String(Math.max(0, ...probes.map((p) => locusFrames(p).length))),
    ms(Math.max(0, ...probes.flatMap((p) => locusFrames(p).map((f) => f.locusMs)))),
    variant === 'with Locus' ? ms(median(probes.map((p) => p.fillMs ?? Number.NaN))) : '-',
  ]);
  const frames = withL.flatMap((p, run) => locusFrames(p).map((frame) => ({ run, ...frame })));
  const frameRows = frames.map((f) => [
    String(f.run + 1),
    ms(f.start),
    ms(f.duration),
    ms(f.blocking),
    ms(f.locusMs),
    f.scripts
      .map(
        (s) =>
          `${new URL(s.url || '/', 'http://x').pathname} ${s.fn || '(anonymous)'} ← ${s.invoker} ${ms(s.duration)}`,
      )
      .join('; '),
  ]);

  const worstCls = Math.max(...withL.map((p) => p.cls.value));
  const worstLocusFrame = Math.max(0, ...frames.map((f) => f.locusMs));
  const checks = [
    `target: no main-thread long task over 50 ms from Locus → ${worstLocusFrame <= 50 ? 'met' : 'NOT met'}: Locus scripts ran for up to ${ms(worstLocusFrame)} ms inside one long animation frame (${frames.length} long frames with Locus scripts over ${withL.length} visits)`,
    `target: CLS from Locus = 0 → ${worstCls === 0 ? 'met' : 'NOT met'}: CLS with Locus up to ${worstCls.toFixed(4)}, without up to ${Math.max(...without.map((p) => p.cls.value)).toFixed(4)}`,
    `LCP: median ${ms(timings[0]!.medianMs)} ms with Locus vs ${ms(timings[1]!.medianMs)} ms without (${timings[0]!.ratio?.toFixed(2)}×); LCP element: ${withL[0]?.lcp?.element ?? '-'}`,
    'Attribution: long animation frames (LoAF) list the scripts that ran in them; "Locus" = scripts served under /locus/. The encoder worker and tfjs wasm compiles off the main thread are not main-thread long tasks.',
  ];
  return {
    tables: [
      formatTimings(
        `Web vitals of demo ${DEMO_ARTICLE} with and without Locus (${options.runs} interleaved cold visits each; ratio = with / without)`,
        timings,
      ),
      formatGrid(
        'Layout shift and long tasks per variant',
        [
          'variant',
          'visits',
          'CLS (max)',
          'largest shift target',
          'long tasks (median)',
          'long frames with Locus (max)',
          'Locus script ms in one frame (max)',
          'first fill ms (median)',
        ],
        summaryRows,
      ),
      formatGrid(
        'Long animation frames (≥ 50 ms) in which Locus scripts ran',
        [
          'visit',
          'start ms',
          'duration ms',
          'blocking ms',
          'Locus ms',
          'scripts: file function ← invoker (ms)',
        ],
        frameRows.length > 0 ? frameRows : [['-', '-', '-', '-', '-', 'none']],
      ),
    ],
    checks,
    data: { visits },
  };
}
