import { type CtrPrior, DEFAULT_CTR_PRIOR } from '@locus/protocol';

/**
 * The CTR model's prior, in plain JS: pCTR = σ(logit(baseRate) + affinity·cos). An untrained
 * DcnCtrModel scores exactly this, so the contextual path (no model download yet) and the model
 * agree until training moves the model.
 */
export function priorPctr(similarity: number, prior: CtrPrior = DEFAULT_CTR_PRIOR): number {
  const logit = Math.log(prior.baseRate / (1 - prior.baseRate)) + prior.affinity * similarity;
  return 1 / (1 + Math.exp(-logit));
}
