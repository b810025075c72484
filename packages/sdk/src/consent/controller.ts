import { LocusError } from '../errors.js';
import { globalPrivacyControl } from '../modules/gpc.js';
import type { ConsentChoice, ConsentInfo, ConsentPurpose } from '../types.js';
import { type ConsentSignals, decideConsent, PURPOSES, type TcfSignal } from './decide.js';

export interface ConsentControllerOptions {
  tcf: boolean;
  gpc: boolean;
  required: boolean;
  tcfTimeoutMs: number;
  /** Where `__tcfapi` lives (the page's window). */
  win?: unknown;
  /** Where `globalPrivacyControl` lives. */
  nav?: unknown;
  /** Shares the latest choice with the site's other tabs (they hold the same profile). */
  channelName?: string;
  report: (error: LocusError) => void;
}

export type ConsentListener = (next: ConsentInfo, previous: ConsentInfo) => void;

interface SharedChoice {
  explicit: ConsentChoice | null;
  tcf: TcfSignal | null;
}

/**
 * Holds the consent signals (CMP, GPC, explicit choice), decides what is allowed and tells
 * listeners when that changes. A choice made in one tab reaches the site's other tabs, since
 * they share one profile: a withdrawal anywhere stops writes everywhere.
 */
export class ConsentController {
  private signals: ConsentSignals;
  private current: ConsentInfo;
  private readonly listeners = new Set<ConsentListener>();
  private stopTcf: (() => void) | undefined;
  private readonly channel: BroadcastChannel | undefined;

  constructor(private readonly options: ConsentControllerOptions) {
    this.signals = {
      required: options.required,
      gpc: options.gpc && globalPrivacyControl(options.nav),
      tcf: { status: options.tcf ? 'absent' : 'off' },
      explicit: null,
    };
    this.current = decideConsent(this.signals);
    if (options.channelName && typeof BroadcastChannel === 'function') {
      this.channel = new BroadcastChannel(options.channelName);
      (this.channel as { unref?: () => void }).unref?.();
      this.channel.addEventListener('message', (event: MessageEvent<SharedChoice>) => this.adopt(event.data));
    }
  }

  get info(): ConsentInfo {
    return this.current;
  }

  allows(purpose: ConsentPurpose): boolean {
    return this.current[purpose];
  }

  onChange(listener: ConsentListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts following the page's CMP, if there is one. Resolves once the CMP answered (a stored
   * choice, or "waiting for the user"), or after `tcfTimeoutMs`; later answers still apply.
   */
  async start(): Promise<void> {
    if (!this.options.tcf) return;
    const api = (this.options.win as { __tcfapi?: unknown } | undefined)?.__tcfapi;
    if (typeof api !== 'function') return;
    this.update({ tcf: { status: 'pending' } });
    let tcf: typeof import('../modules/consent-tcf.js');
    try {
      tcf = await import('../modules/consent-tcf.js');
    } catch (err) {
      this.options.report(
        new LocusError('consent-failed', 'the TCF decoder could not be loaded', { cause: err }),
      );
      this.update({ tcf: { status: 'error' } });
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.tcfTimeoutMs);
      try {
        this.stopTcf = tcf.watchTcf(tcf.findTcfApi(this.options.win)!, (signal) => {
          clearTimeout(timer);
          if (signal.problem) this.options.report(new LocusError('consent-failed', signal.problem));
          this.update({ tcf: signal }, true);
          resolve();
        });
      } catch (err) {
        clearTimeout(timer);
        this.options.report(
          new LocusError('consent-failed', `__tcfapi failed: ${String(err)}`, { cause: err }),
        );
        this.update({ tcf: { status: 'error' } });
        resolve();
      }
    });
  }

  /** An explicit choice, merged over the previous one; shared with the other tabs. */
  setExplicit(choice: ConsentChoice): ConsentInfo {
    if (typeof choice !== 'object' || choice === null)
      throw new LocusError('invalid-config', 'setConsent() takes an object such as { profiling: false }');
    const merged: ConsentChoice = { ...this.signals.explicit };
    for (const purpose of PURPOSES) {
      const value = choice[purpose];
      if (value === undefined) continue;
      if (typeof value !== 'boolean')
        throw new LocusError('invalid-config', `setConsent(): "${purpose}" must be true or false`);
      merged[purpose] = value;
    }
    this.update({ explicit: merged }, true);
    return this.current;
  }

  /** The explicit choice remembered from an earlier visit (not broadcast: nothing changed). */
  restoreExplicit(choice: ConsentChoice): void {
    this.update({ explicit: { ...choice, ...this.signals.explicit } });
  }

  private adopt(shared: SharedChoice | undefined): void {
    if (!shared) return;
    const next: Partial<ConsentSignals> = { explicit: shared.explicit };
    if (shared.tcf && this.signals.tcf.status !== 'off') next.tcf = shared.tcf;
    this.update(next);
  }

  private update(partial: Partial<ConsentSignals>, share = false): void {
    const previous = this.current;
    this.signals = { ...this.signals, ...partial };
    this.current = decideConsent(this.signals);
    if (share) {
      const tcf =
        this.signals.tcf.status === 'gdpr-applies' || this.signals.tcf.status === 'gdpr-not-applicable';
      this.channel?.postMessage({
        explicit: this.signals.explicit,
        tcf: tcf ? this.signals.tcf : null,
      } satisfies SharedChoice);
    }
    if (JSON.stringify(previous) === JSON.stringify(this.current)) return;
    for (const listener of this.listeners) listener(this.current, previous);
  }

  stop(): void {
    this.stopTcf?.();
    this.channel?.close();
    this.listeners.clear();
  }
}
