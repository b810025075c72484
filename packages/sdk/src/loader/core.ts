/**
 * The script-tag SDK: `window.locus` with the command queue (as `pbjs.que` / `googletag.cmd`).
 * Commands queued before load run in order once it loads; later pushes run at once. Every
 * command and every API call is caught: errors go to `locus:error`, never into the page.
 * Installing twice (locus.js included twice, or a copy from another folder) changes nothing.
 */
import { LocusError, toLocusError } from '../errors.js';
import { Emitter } from '../events.js';
import { createLocus } from '../locus.js';
import { observeSlots, type SlotController, type SlotOptions } from '../modules/auto-slots.js';
import { trackDwell } from '../modules/dwell.js';
import type {
  ConsentChoice,
  ConsentInfo,
  FederationReport,
  Locus,
  LocusConfig,
  LocusInfo,
  ProfileExport,
  ProfileSummary,
  RankedAd,
  StorageUsage,
} from '../types.js';

type Command = () => unknown;

/** `locus.init()` takes the SDK's config plus how the page's ad slots are filled. */
export interface ScriptTagConfig extends LocusConfig {
  slots?: Pick<SlotOptions, 'lazyMargin' | 'privacyUrl'>;
  /**
   * Learn from this page's text and reading time (default true). Pages that say nothing about
   * the reader's interests (a privacy page, a checkout) set it to false.
   */
  observePage?: boolean;
}

export interface WindowLocus {
  /** The page's queue array; once installed its `push` runs commands at once. */
  cmd: { push(...commands: Command[]): number };
  /** Resolves once `init` finished (with or without errors, which are reported). */
  ready: Promise<void>;
  init(config?: ScriptTagConfig): Promise<void>;
  rank: Locus['rank'];
  track: Locus['track'];
  observePage: Locus['observePage'];
  fillSlots(): Promise<number>;
  /** Resolves with the consent state, or null when the choice was invalid (reported). */
  setConsent(choice: ConsentChoice): Promise<ConsentInfo | null>;
  federate(): Promise<FederationReport | null>;
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
  // The stub's own array stays `locus.cmd`: a reference the page kept to it keeps working.
  const queue: unknown[] = Array.isArray(existing?.cmd) ? (existing.cmd as unknown[]) : [];
  const emitter = new Emitter();
  const report = (err: unknown) => emitter.error(toLocusError('command-failed', err));

  let instance: Locus | undefined;
  let slots: SlotController | undefined;
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

  // While the queue drains, a command that pushes more appends them: everything runs in order.
  let draining = true;
  const push = (...commands: unknown[]): number => {
    if (draining) Array.prototype.push.apply(queue, commands);
    else commands.forEach(run);
    return commands.length;
  };
  Object.defineProperty(queue, 'push', { value: push, configurable: true, writable: true });

  let initialized = false;
  const api: WindowLocus & { installed: true } = {
    installed: true,
    cmd: queue as unknown as WindowLocus['cmd'],
    ready,
    async init(config = {}) {
      // A snippet pasted twice calls init twice: the first wins, the page hears about the second.
      if (initialized)
        return report(
          new LocusError('invalid-config', 'locus.init() was called twice; the second call was ignored'),
        );
      initialized = true;
      const { slots: slotOptions, observePage = true, ...locusConfig } = config;
      try {
        instance = await create(locusConfig);
      } catch (err) {
        report(err);
      }
      markReady();
      if (!instance) return;
      if (typeof document === 'undefined') return;
      if (observePage) {
        // How long the page is actually read (visible) is part of the signal: measured from now.
        stopDwell = trackDwell(instance, { doc: document });
        // The page's own reading is the first signal: learn from it, then fill the slots.
        await safe(undefined, (locus) => locus.observePage());
      }
      try {
        slots = observeSlots(instance, {
          ...slotOptions,
          onError: (error) => emitter.error(error),
        });
      } catch (err) {
        report(err);
      }
    },
    rank: (candidates, options) => safe<RankedAd[]>([], (locus) => locus.rank(candidates, options)),
    track: (event) => safe(undefined, (locus) => locus.track(event)),
    observePage: () => safe(undefined, (locus) => locus.observePage()),
    fillSlots: () =>
      safe(0, (locus) => {
        slots ??= observeSlots(locus, { onError: (error) => emitter.error(error) });
        return slots.fillAll();
      }),
    setConsent: (choice) => safe<ConsentInfo | null>(null, (locus) => locus.setConsent(choice)),
    federate: () => safe<FederationReport | null>(null, (locus) => locus.federate()),
    info: () => instance?.info() ?? null,
    profile: {
      export: () => safe<ProfileExport | null>(null, (locus) => locus.profile.export()),
      clear: () => safe(undefined, (locus) => locus.profile.clear()),
      summary: () => safe<ProfileSummary | null>(null, (locus) => locus.profile.summary()),
      usage: () => safe<StorageUsage | null>(null, (locus) => locus.profile.usage()),
    },
    dispose: () =>
      safe(undefined, (locus) => {
        slots?.stop();
        slots = undefined;
        stopDwell?.();
        stopDwell = undefined;
        return locus.dispose();
      }),
  };
  win.locus = api;
  for (let i = 0; i < queue.length; i++) run(queue[i]);
  queue.length = 0;
  draining = false;
  return api;
}
