import { describe, expect, it } from 'vitest';
import { sdkCdnDir } from './artefacts.js';
import { BUDGETS, checkBudgets, describeBudget } from './budgets.js';

// CI's guard on the script-tag build's size (issue 7). It reads the built files, so it fails
// with "@locus/sdk is not built … run …" when the SDK has not been built.
describe('script-tag bundle budgets (gzip)', () => {
  const results = checkBudgets(sdkCdnDir());

  for (const budget of BUDGETS) {
    it(`${budget.name} ≤ ${budget.gzipBytes / 1000} kB gzipped`, () => {
      const result = results.find((r) => r.name === budget.name)!;
      expect(result.sizes.gzip, describeBudget(result)).toBeLessThanOrEqual(budget.gzipBytes);
    });
  }
});
