import { join } from 'node:path';
import { staticClosure } from './cdn-files.js';
import { addSizes, fileSizes, kB, type Sizes } from './sizes.js';

/**
 * The script-tag build's size budgets (issue 7: "loader snippet ≤ 1.5 KB gzipped, core without
 * ML chunks ≤ 45 KB gzipped"), in kB of 1,000 bytes as Vite prints them. Each entry counts with
 * everything it imports statically: that much arrives before any lazy chunk is asked for.
 */
export const BUDGETS = [
  { name: 'loader (locus.js)', entry: 'locus.js', gzipBytes: 1_500 },
  { name: 'core (locus-core.js, no ML chunks)', entry: 'locus-core.js', gzipBytes: 45_000 },
] as const;

export interface BudgetResult {
  name: string;
  files: string[];
  sizes: Sizes;
  budgetGzip: number;
  ok: boolean;
}

export function checkBudgets(cdnDir: string): BudgetResult[] {
  return BUDGETS.map(({ name, entry, gzipBytes }) => {
    const files = staticClosure(cdnDir, entry);
    const sizes = addSizes(files.map((file) => fileSizes(join(cdnDir, file))));
    return { name, files, sizes, budgetGzip: gzipBytes, ok: sizes.gzip <= gzipBytes };
  });
}

export function describeBudget(result: BudgetResult): string {
  const verdict = result.ok ? 'within' : 'OVER';
  return `${result.name}: ${kB(result.sizes.gzip)} kB gzip ${verdict} the ${kB(result.budgetGzip)} kB budget (${result.files.join(' + ')})`;
}
