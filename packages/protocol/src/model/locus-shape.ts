import { type CtrShape, ctrLayout, initialCtrWeights } from './ctr-layout.js';

/** Width of the SDK's request-context features (see @locus/sdk/ctr encodeContext). */
export const LOCUS_CONTEXT_DIM = 8;
export const LOCUS_CONTEXT_ID_FIELDS = 1;

/**
 * The CTR model shape Locus uses in the browser for an encoder of width `textDim`. Server and
 * devices both derive it from the encoder width, so the aggregator can start from the same
 * version-0 weights the devices start from.
 */
export function locusCtrShape(textDim: number): CtrShape {
  return {
    textDim,
    // Slot 0: profile blended with the page (the prior's signal); slot 1: the page alone.
    interestSlots: 2,
    contextDim: LOCUS_CONTEXT_DIM,
    contextIdFields: LOCUS_CONTEXT_ID_FIELDS,
    adIdFields: 1,
    idBuckets: 4096,
    factorDim: 16,
    fieldDim: 16,
    crossLayers: 1,
    hidden: [64, 32],
  };
}

/** Version 0 of the federated model: the prior initialization, as every device computes it. */
export function initialLocusCtrModel(textDim: number): { layoutVersion: number; weights: Float32Array } {
  const shape = locusCtrShape(textDim);
  return { layoutVersion: ctrLayout(shape).version, weights: initialCtrWeights(shape) };
}
