import { requireArgument } from '../protocol-error.js';
import {
  DEFAULT_RDP_ORDERS,
  epsilonFromRdp,
  type PrivacySpent,
  type RdpConversion,
  rdpOfOneRound,
  type SampledGaussianParams,
} from './rdp-accountant.js';

/**
 * The running privacy budget of a deployment, as plain data (JSON-safe) so the aggregator can
 * store it beside the model. Rounds may differ in sampling rate and noise: RDP adds up order by
 * order, and ε is read off the total at the end.
 */
export interface PrivacyLedgerState {
  orders: number[];
  /** Total RDP at each order over all recorded rounds. */
  rdp: number[];
  rounds: number;
}

export function createPrivacyLedger(orders: readonly number[] = DEFAULT_RDP_ORDERS): PrivacyLedgerState {
  requireArgument(orders.length > 0, 'at least one RDP order is needed');
  return { orders: [...orders], rdp: orders.map(() => 0), rounds: 0 };
}

/** The ledger after one more round with the given mechanism (the input is not modified). */
export function recordRound(ledger: PrivacyLedgerState, round: SampledGaussianParams): PrivacyLedgerState {
  requireArgument(
    ledger.orders.length === ledger.rdp.length,
    'corrupt ledger: orders and rdp differ in length',
  );
  return {
    orders: [...ledger.orders],
    rdp: ledger.orders.map((order, k) => ledger.rdp[k]! + rdpOfOneRound(round, order)),
    rounds: ledger.rounds + 1,
  };
}

/** (ε, δ) spent so far. */
export function ledgerEpsilon(
  ledger: PrivacyLedgerState,
  delta: number,
  conversion: RdpConversion = 'improved',
): PrivacySpent {
  if (ledger.rounds === 0) return { epsilon: 0, order: ledger.orders[0]! };
  return epsilonFromRdp(ledger.orders, ledger.rdp, delta, conversion);
}

/** ε of a single round of this mechanism, and the cumulative ε once it is recorded. */
export function previewRound(
  ledger: PrivacyLedgerState,
  round: SampledGaussianParams,
  delta: number,
): { roundEpsilon: number; cumulativeEpsilon: number; ledger: PrivacyLedgerState } {
  const next = recordRound(ledger, round);
  const single = recordRound(createPrivacyLedger(ledger.orders), round);
  return {
    roundEpsilon: ledgerEpsilon(single, delta).epsilon,
    cumulativeEpsilon: ledgerEpsilon(next, delta).epsilon,
    ledger: next,
  };
}
