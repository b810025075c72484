/**
 * The side-effect-free core of the Locus SDK: importing it changes nothing on the page.
 * `index.ts` adds the default modules; the script-tag build adds the command queue.
 */
export { LocusError, type LocusErrorCode } from './errors.js';
export type { LocusEventMap, LocusEventName } from './events.js';
export { createLocus } from './locus.js';
export type * from './types.js';
