/** The npm entry of the Locus SDK. */
export * from './base.js';
export { fillSlots } from './modules/auto-slots.js';
export { trackDwell } from './modules/dwell.js';
