import type { ConsentChoice, ConsentInfo, ConsentPurpose, ConsentState, TcfStatus } from '../types.js';

export const PURPOSES: readonly ConsentPurpose[] = ['storage', 'profiling', 'measurement', 'federation'];

/** What the CMP said, decoded from its TC string. */
export interface TcfSignal {
  status: TcfStatus;
  purposeConsents?: number[];
  purposeLegitimateInterests?: number[];
  cmpId?: number;
  /** Why the status is `error` (reported as `consent-failed`). */
  problem?: string;
}

export interface ConsentSignals {
  required: boolean;
  tcf: TcfSignal;
  gpc: boolean;
  explicit: ConsentChoice | null;
}

/**
 * IAB TCF v2.2 purposes behind each Locus purpose. Purposes 3 and 4 (personalised-ads
 * profiles) can only rest on consent; 7, 9 and 10 may also rest on a legitimate interest the
 * user did not object to.
 */
function fromTcf(tcf: TcfSignal): ConsentState {
  const consent = new Set(tcf.purposeConsents ?? []);
  const consentOrLi = new Set([...consent, ...(tcf.purposeLegitimateInterests ?? [])]);
  const storage = consent.has(1);
  const profiling = storage && consent.has(3) && consent.has(4);
  return {
    storage,
    profiling,
    measurement: storage && (consentOrLi.has(7) || consentOrLi.has(9)),
    // Federated learning improves the shared model from the user's data: purpose 10,
    // "develop and improve services", on top of the profile it trains on.
    federation: profiling && consentOrLi.has(10),
  };
}

/**
 * Combines the signals; the most restrictive wins. A purpose is allowed when no signal denies
 * it and something grants it: the CMP (when GDPR applies), an explicit choice, or the default
 * (allowed unless `required`, or unless a CMP is present but has not answered).
 * GPC denies profiling and federation. Every purpose needs storage, federation needs profiling.
 */
export function decideConsent(signals: ConsentSignals): ConsentInfo {
  const { tcf, explicit, gpc, required } = signals;
  const tcfDecides = tcf.status === 'gdpr-applies';
  // A CMP that is loading, waiting for the user or broken grants nothing yet.
  const tcfWithholds = tcf.status === 'pending' || tcf.status === 'error';
  const fromCmp = tcfDecides ? fromTcf(tcf) : undefined;

  const state = {} as ConsentState;
  for (const purpose of PURPOSES) {
    const denied =
      explicit?.[purpose] === false ||
      fromCmp?.[purpose] === false ||
      tcfWithholds ||
      (gpc && (purpose === 'profiling' || purpose === 'federation'));
    const granted = explicit?.[purpose] === true || fromCmp?.[purpose] === true || (!required && !tcfDecides);
    state[purpose] = !denied && granted;
  }
  state.profiling &&= state.storage;
  state.measurement &&= state.storage;
  state.federation &&= state.profiling;

  return {
    ...state,
    // Waiting for the CMP (or a CMP error) is not a decision: nothing is deleted on it.
    settled: !tcfWithholds,
    required,
    sources: { tcf: publicTcf(tcf), gpc, explicit: explicit ? { ...explicit } : null },
  };
}

/** The purposes allowed before and not after: their data must be deleted. */
export function withdrawn(before: ConsentState, after: ConsentState): ConsentPurpose[] {
  return PURPOSES.filter((purpose) => before[purpose] && !after[purpose]);
}

function publicTcf({ problem: _problem, ...tcf }: TcfSignal): ConsentInfo['sources']['tcf'] {
  return tcf;
}
