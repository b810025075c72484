import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What the probe has collected in a page, read back with page.evaluate. */
export interface VitalsProbe {
  lcp: { value: number; element: string } | null;
  cls: { value: number; largestShiftTarget: string | null; shifts: number };
  inp: { value: number; target: string | null } | null;
  longTasks: { start: number; duration: number }[];
  /** Long animation frames (≥ 50 ms) with the scripts that ran in them. */
  frames: {
    start: number;
    duration: number;
    blocking: number;
    /** LoAF script attribution: the file, what invoked it and the function, as Chromium names them. */
    scripts: { url: string; invoker: string; fn: string; duration: number }[];
  }[];
  fillMs: number | null;
  encoderReadyMs: number | null;
}

/**
 * Google's web-vitals (attribution build, IIFE) plus PerformanceObservers for long tasks and
 * long animation frames, installed before any page script: everything a visit does is seen.
 * LoAF entries name the scripts that ran in a long frame, which is how work is attributed to
 * Locus (its files are served under /locus/); the longtask API alone cannot say whose it was.
 */
export function vitalsProbeScript(): string {
  const require = createRequire(import.meta.url);
  const webVitals = readFileSync(
    join(dirname(require.resolve('web-vitals')), 'web-vitals.attribution.iife.js'),
    'utf8',
  );
  return `${webVitals}
(() => {
  const probe = {
    lcp: null, cls: { value: 0, largestShiftTarget: null, shifts: 0 }, inp: null,
    longTasks: [], frames: [], fillMs: null, encoderReadyMs: null,
  };
  window.__vitals = probe;
  webVitals.onLCP((m) => { probe.lcp = { value: m.value, element: m.attribution?.target ?? '' }; }, { reportAllChanges: true });
  webVitals.onCLS((m) => {
    probe.cls = { value: m.value, largestShiftTarget: m.attribution?.largestShiftTarget ?? null, shifts: m.entries.length };
  }, { reportAllChanges: true });
  webVitals.onINP((m) => { probe.inp = { value: m.value, target: m.attribution?.interactionTarget ?? null }; },
    { reportAllChanges: true, durationThreshold: 0 });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.frames.push({
        start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
        scripts: (e.scripts || []).map((s) => ({
          url: s.sourceURL || '', invoker: s.invoker || '', fn: s.sourceFunctionName || '', duration: s.duration,
        })),
      });
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
  addEventListener('locus:slot-filled', () => { probe.fillMs ??= performance.now(); }, { capture: true });
  const poll = setInterval(() => {
    if (window.locus?.info?.()?.encoder?.status === 'ready') {
      probe.encoderReadyMs = performance.now();
      clearInterval(poll);
    }
  }, 50);
})();`;
}
