// The committed result of `pnpm --filter @locus/models sweep` (measurements/sif-sweep.json): every
// locus-glove-sif post-processing variant measured side by side, and the one the build uses.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SifOptions } from '../sif.js';
import { MeasurementsError, measurementsDir } from './measurements.js';
import type { QualityReport } from './quality.js';

export type SweepVariant = Pick<SifOptions, 'a' | 'centre' | 'removeComponents'>;

export interface SweepRow extends SweepVariant {
  quality: QualityReport;
  /** Mean accuracy@1 over the taxonomy tasks that were available: names, documents. */
  taxonomyMean: number;
  docsMean: number;
  /** Mean of all those accuracies (names and documents of every task). */
  publicScore: number;
  /** Share of bootstrap resamples in which the best variant does not beat this one (see selection.ts). */
  notBeaten: number;
}

export interface SweepFile {
  tasks: string[];
  missing: string[];
  selection: { samples: number; seed: number; tieLevel: number };
  selected: SweepVariant;
  rows: SweepRow[];
}

export const SWEEP_FILE = 'sif-sweep.json';

export function readSweep(dir: string = measurementsDir()): SweepFile | undefined {
  const path = join(dir, SWEEP_FILE);
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SweepFile>;
  if (!parsed.selected || !Array.isArray(parsed.rows) || !Array.isArray(parsed.tasks)) {
    throw new MeasurementsError(path, 'not a sweep file', 'sweep');
  }
  return parsed as SweepFile;
}

export const sameVariant = (x: SweepVariant, y: SweepVariant): boolean =>
  x.a === y.a && x.centre === y.centre && x.removeComponents === y.removeComponents;
