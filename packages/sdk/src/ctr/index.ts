/** The tfjs side of Locus, loaded as one lazy chunk (tfjs-core + the chosen backend). */
export { activateBackend, gpuAdapterInfo } from './backends.js';
export {
  CTR_HIDDEN,
  CTR_LAYOUT_VERSION,
  CTR_MODEL_ID,
  CtrModel,
  ctrLayout,
  initialCtrWeights,
} from './model.js';
