/**
 * The script-tag SDK: `window.locus` with the command queue (as `pbjs.que` / `googletag.cmd`).
 * Commands queued before load run in order once it loads; later pushes run at once. Every
 * command and every API call is caught: errors go to `locus:error`, never into the page.
 */
import { LocusError, toLocusError } from '../errors.js';
import { Emitter } from '../events.js';
import { createLocus } from '../locus.js';
import { fillSlots } from '../modules/auto-slots.js';
import { trackDwell } from '../modules/dwell.js';
import type {
  ConsentChoice,
  ConsentInfo,
  Locus,
  LocusConfig,
  LocusInfo,
  ProfileExport,
  ProfileSummary,
  RankedAd,
  StorageUsage,
} from '../types.js';

type Command = () => unknown;

export interface WindowLocus {
  cmd: { push(...commands: Command[]): number };
  /** Resolves once `init` finished (with or without errors, which are reported). */
  ready: Promise<void>;
  init(config?: LocusConfig): Promise<void>;
  rank: Locus['rank'];
  track: Locus['track'];
  observePage: Locus['observePage'];
  fillSlots(): Promise<number>;
  /** Resolves with the consent state, or null when the choice was invalid (reported). */
  setConsent(choice: ConsentChoice): Promise<ConsentInfo | null>;
  info(): LocusInfo | null;
  profile: {
    export(): Promise<ProfileExport | null>;
    clear(): Promise<void>;
    summary(): Promise<ProfileSummary | null>;
    usage(): Promise<StorageUsage | null>;
  };
  dispose(): Promise<void>;
}

/** Called by locus.js with the folder it was served from. */
export function install(win: Window & { locus?: unknown }, assetsUrl: string): WindowLocus {
  return installQueue(win, (config) => createLocus({ assetsUrl, ...config }));
}

/** The queue and the window API over any way of creating a Locus (tests pass their own). */
export function installQueue(
  win: Window & { locus?: unknown },
  create: (config: LocusConfig) => Promise<Locus>,
): WindowLocus {
  const existing = win.locus as Partial<WindowLocus> & { cmd?: unknown; installed?: boolean };
  if (existing?.installed) return existing as WindowLocus;
  const queued = Array.isArray(existing?.cmd) ? (existing.cmd as unknown[]) : [];
  const emitter = new Emitter();
  const report = (err: unknown) => emitter.error(toLocusError('command-failed', err));

  let instance: Locus | undefined;
  let stopDwell: (() => void) | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  /** Runs `call` on the instance; on failure reports and resolves with `fallback`. */
  const safe = async <T>(fallback: T, call: (locus: Locus) => Promise<T>): Promise<T> => {
    try {
      await ready;
      if (!instance)
        throw new LocusError('command-failed', 'Locus is not initialized: call locus.init() first');
      return await call(instance);
    } catch (err) {
      report(err);
      return fallback;
    }
  };

  const run = (command: unknown) => {
    try {
      if (typeof command !== 'function')
        throw new LocusError('command-failed', 'locus.cmd.push() takes functions');
      const result = (command as Command)();
      if (result instanceof Promise) result.catch(report);
    } catch (err) {
      report(err);
    }
  };

  let initialized = false;
  const api: WindowLocus & { installed: true } = {
    installed: true,
    cmd: {
      push: (...commands) => {
        commands.forEach(run);
        return commands.length;
      },
    },
    ready,
    async init(config = {}) {
      if (initialized) return report(new LocusError('invalid-config', 'locus.init() was called twice'));
      initialized = true;
      try {
        instance = await create(config);
      } catch (err) {
        report(err);
      }
      markReady();
      if (!instance) return;
      // How long the page is actually read (visible) is part of the signal: measured from now.
      if (typeof document !== 'undefined') stopDwell = trackDwell(instance, { doc: document });
      // The page's own reading is the first signal: learn from it, then fill the slots.
      await safe(undefined, (locus) => locus.observePage());
      await safe(0, (locus) => fillSlots(locus));
    },
    rank: (candidates, options) => safe<RankedAd[]>([], (locus) => locus.rank(candidates, options)),
    track: (event) => safe(undefined, (locus) => locus.track(event)),
    observePage: () => safe(undefined, (locus) => locus.observePage()),
    fillSlots: () => safe(0, (locus) => fillSlots(locus)),
    setConsent: (choice) => safe<ConsentInfo | null>(null, (locus) => locus.setConsent(choice)),
    info: () => instance?.info() ?? null,
    profile: {
      export: () => safe<ProfileExport | null>(null, (locus) => locus.profile.export()),
      clear: () => safe(undefined, (locus) => locus.profile.clear()),
      summary: () => safe<ProfileSummary | null>(null, (locus) => locus.profile.summary()),
      usage: () => safe<StorageUsage | null>(null, (locus) => locus.profile.usage()),
    },
    dispose: () =>
      safe(undefined, (locus) => {
        stopDwell?.();
        stopDwell = undefined;
        return locus.dispose();
      }),
  };
  win.locus = api;
  queued.forEach(run);
  return api;
}
