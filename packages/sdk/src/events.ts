import type { LocusError } from './errors.js';
import type { ConsentInfo, RoundStage } from './types.js';

export interface LocusEventMap {
  'locus:ready': { backend: string | null };
  'locus:error': { code: LocusError['code']; message: string; error: LocusError };
  'locus:progress': { file: string; loaded: number; total: number };
  'locus:slot-filled': { slot: string; adId: string };
  /** A federated round moved to its next stage on this device. */
  'locus:federation': { stage: RoundStage };
  /** A filled slot's ad was viewable (≥ 50% in view for ≥ 1 s): its impression was counted. */
  'locus:impression': { slot: string; adId: string; position: number };
  /** What the user allows changed (a CMP answer, GPC, setConsent, or another tab's choice). */
  'locus:consent': ConsentInfo;
}

export type LocusEventName = keyof LocusEventMap;

/**
 * Sends Locus events to the instance's own EventTarget and, in a browser, to `window`, so a
 * page can listen without holding the instance. Listeners never break Locus: dispatchEvent
 * reports listener exceptions to the page's error handler, not to us.
 */
export class Emitter {
  readonly target = new EventTarget();

  emit<K extends LocusEventName>(name: K, detail: LocusEventMap[K], element?: Element): void {
    this.target.dispatchEvent(new CustomEvent(name, { detail }));
    const host = element ?? (typeof window !== 'undefined' ? window : undefined);
    host?.dispatchEvent(new CustomEvent(name, { detail, bubbles: true }));
  }

  error(error: LocusError): void {
    this.emit('locus:error', { code: error.code, message: error.message, error });
  }
}
