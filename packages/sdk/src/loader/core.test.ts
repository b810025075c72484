// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { decideConsent } from '../consent/decide.js';
import { LocusError } from '../errors.js';
import { emptyExport } from '../profile/export.js';
import type { ConsentChoice, Locus, LocusConfig } from '../types.js';
import { installQueue, type WindowLocus } from './core.js';

/** A minimal Locus that records calls: the queue logic is under test here, not ranking. */
function recordingLocus(log: string[]): Locus {
  return {
    events: new EventTarget(),
    profile: {
      export: async () => emptyExport(),
      clear: async () => {},
      summary: async () => ({ interests: [], clusters: [], pageViews: 0, updatedAt: null }),
      usage: async () => ({ bytes: 0, stores: {} }),
    },
    setConsent: async (choice: ConsentChoice) => {
      log.push(`consent:${JSON.stringify(choice)}`);
      return decideConsent({ required: false, gpc: false, tcf: { status: 'off' }, explicit: choice });
    },
    track: async (event) => {
      log.push(`track:${event.type}${event.type === 'dwell' ? `:${event.value}` : ''}`);
    },
    observePage: async () => {
      log.push('observePage');
    },
    rank: async () => {
      log.push('rank');
      return [];
    },
    federate: async () => ({ status: 'skipped', reason: 'no-aggregator' }),
    info: () => ({}) as ReturnType<Locus['info']>,
    dispose: async () => {},
  };
}

function errorsOf(win: Window): string[] {
  const messages: string[] = [];
  win.addEventListener('locus:error', (event) => {
    messages.push((event as CustomEvent<{ message: string }>).detail.message);
  });
  return messages;
}

describe('window.locus command queue', () => {
  it('runs commands queued before load in order, then runs later pushes at once', async () => {
    const win = window as Window & { locus?: unknown };
    const log: string[] = [];
    const configs: LocusConfig[] = [];
    win.locus = { cmd: [() => log.push('first'), () => (win.locus as WindowLocus).init({ catalog: [] })] };
    const errors = errorsOf(win);

    const api = installQueue(win, async (config) => {
      configs.push(config);
      return recordingLocus(log);
    });
    expect(win.locus).toBe(api);
    expect(log).toEqual(['first']);
    await api.ready;
    api.cmd.push(() => log.push('after load'));
    expect(log).toContain('after load');
    await api.track({ type: 'click', adId: 'a' });
    expect(configs).toEqual([{ catalog: [] }]);
    expect(log).toEqual(expect.arrayContaining(['observePage', 'track:click']));
    expect(errors).toEqual([]);
  });

  it('catches a throwing command and a rejected one, and reports both', async () => {
    const win = window as Window & { locus?: unknown };
    win.locus = { cmd: [] };
    const errors = errorsOf(win);
    const api = installQueue(win, async () => recordingLocus([]));
    expect(() =>
      api.cmd.push(
        () => {
          throw new Error('boom');
        },
        () => Promise.reject(new LocusError('invalid-config', 'async boom')),
        'not a function' as unknown as () => void,
      ),
    ).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors).toEqual(['boom', 'locus.cmd.push() takes functions', 'async boom']);
  });

  it('reports a failed init and keeps answering API calls with safe values', async () => {
    const win = window as Window & { locus?: unknown };
    win.locus = { cmd: [] };
    const errors = errorsOf(win);
    const api = installQueue(win, async () => {
      throw new LocusError('invalid-config', 'unknown backend "tpu"');
    });
    await api.init({});
    await expect(api.rank()).resolves.toEqual([]);
    expect(api.info()).toBeNull();
    expect(errors).toEqual(['unknown backend "tpu"', 'Locus is not initialized: call locus.init() first']);
  });

  it('forwards setConsent and measures dwell time from init until the page is hidden', async () => {
    const win = window as Window & { locus?: unknown };
    win.locus = { cmd: [] };
    const log: string[] = [];
    const api = installQueue(win, async () => recordingLocus(log));
    await api.init({});
    const info = await api.setConsent({ profiling: false });
    expect(info).toMatchObject({ profiling: false, storage: true });
    expect(log).toContain('consent:{"profiling":false}');
    // dispose() stops dwell measurement and reports the visible stretch (if long enough).
    await api.dispose();
    expect(log.filter((entry) => entry.startsWith('track:dwell'))).toHaveLength(0); // well under a second
  });

  it('runs commands pushed while the queue drains after the rest, and keeps the stub array working', async () => {
    const win = window as Window & { locus?: unknown };
    const log: string[] = [];
    const stubQueue: (() => unknown)[] = [];
    win.locus = { cmd: stubQueue };
    stubQueue.push(
      () => {
        log.push('first');
        (win.locus as WindowLocus).cmd.push(() => log.push('pushed while draining'));
      },
      () => log.push('second'),
    );
    installQueue(win, async () => recordingLocus([]));
    expect(log).toEqual(['first', 'second', 'pushed while draining']);
    // A reference the page kept to the stub's array now runs commands at once.
    stubQueue.push(() => log.push('through the old reference'));
    expect(log.at(-1)).toBe('through the old reference');
    expect(stubQueue).toHaveLength(0); // nothing is held once run
    expect((win.locus as WindowLocus).cmd).toBe(stubQueue);
  });

  it('ignores a second init (a snippet pasted twice) and says so; slot options never reach createLocus', async () => {
    const win = window as Window & { locus?: unknown };
    win.locus = { cmd: [] };
    const errors = errorsOf(win);
    const configs: LocusConfig[] = [];
    const api = installQueue(win, async (config) => {
      configs.push(config);
      return recordingLocus([]);
    });
    await Promise.all([
      api.init({ catalog: [], slots: { lazyMargin: false, privacyUrl: '/privacy' } }),
      api.init({ catalog: [] }),
    ]);
    expect(configs).toEqual([{ catalog: [] }]);
    expect(errors).toEqual(['locus.init() was called twice; the second call was ignored']);
  });

  it('does not read a page that opts out (observePage: false), nor measure its dwell time', async () => {
    const win = window as Window & { locus?: unknown };
    win.locus = { cmd: [] };
    const log: string[] = [];
    const configs: LocusConfig[] = [];
    const api = installQueue(win, async (config) => {
      configs.push(config);
      return recordingLocus(log);
    });
    await api.init({ catalog: [], observePage: false });
    await api.dispose();
    expect(configs).toEqual([{ catalog: [] }]);
    expect(log).not.toContain('observePage');
  });

  it('installs once even if locus.js is included twice', () => {
    const win = window as Window & { locus?: unknown };
    win.locus = { cmd: [] };
    const first = installQueue(win, async () => recordingLocus([]));
    const second = installQueue(win, async () => recordingLocus([]));
    expect(second).toBe(first);
  });
});
