import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countPlaywright, countVitest, summarize } from './summary.mjs';

describe('test summary', () => {
  it('sums vitest and playwright reports and counts a missing one as failed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'summary-'));
    writeFileSync(join(dir, 'unit.json'), JSON.stringify({ numPassedTests: 40, numFailedTests: 1 }));
    writeFileSync(join(dir, 'e2e.json'), JSON.stringify({ stats: { expected: 6, unexpected: 1, flaky: 1 } }));
    expect(
      summarize([
        { path: join(dir, 'unit.json'), count: countVitest },
        { path: join(dir, 'e2e.json'), count: countPlaywright },
        { path: join(dir, 'absent.json'), count: countVitest },
      ]),
    ).toEqual({ passed: 46, failed: 4 });
  });
});
