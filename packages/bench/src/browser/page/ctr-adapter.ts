/** The browser rank suite scores against the same baseline as the Node one. */
export { type BareCtr, bareCtr } from '../../bare-ctr.js';
