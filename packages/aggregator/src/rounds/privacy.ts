import {
  createPrivacyLedger,
  type PrivacyLedgerEntry,
  type PrivacyLedgerState,
  previewRound,
} from '@locus/protocol';
import type { RoundParameters } from '../store/index.js';

/**
 * The privacy ledger as the server keeps it: the protocol's RDP state (JSON-safe except that a
 * round without noise makes RDP infinite, which JSON cannot carry, hence the explicit encoding)
 * plus one published entry per completed round.
 */
export function encodeLedgerState(state: PrivacyLedgerState): string {
  return JSON.stringify({
    ...state,
    rdp: state.rdp.map((value) => (Number.isFinite(value) ? value : 'Infinity')),
  });
}

export function decodeLedgerState(text: string | null): PrivacyLedgerState {
  if (text === null) return createPrivacyLedger();
  const parsed = JSON.parse(text) as Omit<PrivacyLedgerState, 'rdp'> & { rdp: (number | 'Infinity')[] };
  return {
    ...parsed,
    rdp: parsed.rdp.map((value) => (value === 'Infinity' ? Number.POSITIVE_INFINITY : value)),
  };
}

export interface LedgerUpdate {
  state: PrivacyLedgerState;
  entry: PrivacyLedgerEntry;
}

/**
 * Records one completed round: its ε alone and the cumulative ε at the round's δ. An infinite ε
 * (σ = 0: no DP) is published as null.
 */
export function recordPublishedRound(
  ledger: PrivacyLedgerState,
  parameters: RoundParameters,
  facts: {
    entry: number;
    modelVersion: number;
    cohortSize: number;
    contributors: number;
    publishedAt: string;
  },
): LedgerUpdate {
  const preview = previewRound(
    ledger,
    { samplingRate: parameters.samplingRate, noiseMultiplier: parameters.noiseMultiplier },
    parameters.delta,
  );
  const finite = (epsilon: number) => (Number.isFinite(epsilon) ? epsilon : null);
  return {
    state: preview.ledger,
    entry: {
      round: facts.entry,
      modelVersion: facts.modelVersion,
      cohortSize: facts.cohortSize,
      contributors: facts.contributors,
      samplingRate: parameters.samplingRate,
      noiseMultiplier: parameters.noiseMultiplier,
      clippingBound: parameters.clippingBound,
      delta: parameters.delta,
      roundEpsilon: finite(preview.roundEpsilon),
      cumulativeEpsilon: finite(preview.cumulativeEpsilon),
      accountant: 'rdp-poisson-subsampled-gaussian',
      conversion: 'improved',
      publishedAt: facts.publishedAt,
    },
  };
}
