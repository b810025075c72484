/**
 * IAB TCF v2.2: listens to the page's CMP through `window.__tcfapi` and decodes its TC string
 * with the IAB's own `@iabtcf/core` (never by hand). Loaded on demand, only on pages that have
 * a CMP, so pages without one never download the decoder.
 */
import { TCString } from '@iabtcf/core';
import type { TcfSignal } from '../consent/decide.js';

/** The fields of the CMP's TCData that Locus reads (TCF v2.2 CMP API). */
export interface TcData {
  tcString?: string;
  eventStatus?: 'tcloaded' | 'cmpuishown' | 'useractioncomplete' | string;
  cmpStatus?: string;
  gdprApplies?: boolean;
  listenerId?: number;
  cmpId?: number;
}

export type TcfApi = (
  command: string,
  version: number,
  callback: (data: TcData, success: boolean) => void,
  parameter?: unknown,
) => void;

/** The page's `__tcfapi`, if it has a CMP (or the IAB stub that queues calls for one). */
export function findTcfApi(win: unknown): TcfApi | undefined {
  const api = (win as { __tcfapi?: unknown } | undefined)?.__tcfapi;
  return typeof api === 'function' ? (api as TcfApi) : undefined;
}

/** Decodes the CMP's answer into the purposes the user allowed. */
export function signalOf(data: TcData, success: boolean): TcfSignal | undefined {
  if (!success || data.cmpStatus === 'error')
    return { status: 'error', problem: 'the CMP reported an error' };
  // Only final answers count: tcloaded (a stored choice) or useractioncomplete (a new one).
  // cmpuishown means the user is deciding; the previous answer (if any) stands meanwhile.
  if (data.eventStatus !== 'tcloaded' && data.eventStatus !== 'useractioncomplete') return undefined;
  if (data.gdprApplies === false) return { status: 'gdpr-not-applicable' };
  // GDPR applies and the user allowed nothing (yet): a TC string with no purposes.
  if (!data.tcString) return { status: 'gdpr-applies', purposeConsents: [], purposeLegitimateInterests: [] };
  try {
    const model = TCString.decode(data.tcString);
    const ids = (vector: { forEach(cb: (value: boolean, id: number) => void): void }) => {
      const out: number[] = [];
      vector.forEach((value, id) => {
        if (value) out.push(id);
      });
      return out;
    };
    return {
      status: 'gdpr-applies',
      purposeConsents: ids(model.purposeConsents),
      purposeLegitimateInterests: ids(model.purposeLegitimateInterests),
      cmpId: Number(model.cmpId),
    };
  } catch (err) {
    return { status: 'error', problem: `the CMP's TC string could not be decoded: ${String(err)}` };
  }
}

/**
 * Follows the CMP: calls `onSignal` with its current answer and every later one (the user
 * changing their mind in the CMP's UI). Returns a function that stops listening.
 */
export function watchTcf(api: TcfApi, onSignal: (signal: TcfSignal) => void): () => void {
  let listenerId: number | undefined;
  let stopped = false;
  let answered = false;
  api('addEventListener', 2, (data, success) => {
    if (stopped) return;
    if (typeof data?.listenerId === 'number') listenerId = data.listenerId;
    const signal = signalOf(data ?? {}, success);
    if (signal) {
      answered = signal.status !== 'error';
      onSignal(signal);
    } else if (!answered) {
      onSignal({ status: 'pending' }); // first visit: the CMP's UI waits for the user
    }
  });
  return () => {
    stopped = true;
    if (listenerId !== undefined) api('removeEventListener', 2, () => {}, listenerId);
  };
}
