import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSpecifier, checkTree } from './check-boundaries.mjs';

const dir = (unit) => join(import.meta.dirname, '..', unit, 'src');

describe('import boundaries', () => {
  it('holds for the whole tree', () => {
    expect(checkTree()).toEqual([]);
  });

  it('catches each kind of violation', () => {
    expect(checkSpecifier('packages/protocol', '@locus/sdk', dir('packages/protocol'))).toEqual([
      'packages/protocol may not import @locus/sdk',
    ]);
    expect(checkSpecifier('packages/sdk', '@locus/aggregator', dir('packages/sdk'))).toHaveLength(1);
    expect(checkSpecifier('packages/aggregator', '@locus/sdk', dir('packages/aggregator'))).toHaveLength(1);
    expect(checkSpecifier('demo', '@locus/sdk/src/locus.js', dir('demo'))).toEqual([
      "deep import @locus/sdk/src/locus.js (use the package's exports)",
    ]);
    expect(checkSpecifier('packages/bench', '../../sdk/src/locus.js', dir('packages/bench'))).toHaveLength(1);
  });

  it('allows what the rules allow', () => {
    expect(checkSpecifier('packages/sdk', '@locus/protocol', dir('packages/sdk'))).toEqual([]);
    expect(checkSpecifier('packages/sdk', './ctr/index.js', dir('packages/sdk'))).toEqual([]);
    expect(checkSpecifier('e2e', '@locus/sdk/base', dir('e2e'))).toEqual([]);
    expect(checkSpecifier('demo', 'vite', dir('demo'))).toEqual([]);
  });
});
