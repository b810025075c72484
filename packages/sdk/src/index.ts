/** The npm entry of the Locus SDK. */
export * from './base.js';
export { fillSlots, observeSlots, type SlotController, type SlotOptions } from './modules/auto-slots.js';
export { trackDwell } from './modules/dwell.js';
