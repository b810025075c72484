import { defineConfig } from 'vitest/config';

// One unit-test run over every package; the e2e suite is Playwright's (e2e/).
export default defineConfig({
  resolve: { conditions: ['locus-source'] },
  ssr: { resolve: { conditions: ['locus-source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'demo/**/*.test.ts',
      'e2e/node/**/*.test.ts',
      'scripts/**/*.test.mjs',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
