import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/** Debian's Chromium; Playwright's own browser downloads are not available here. */
export const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((path) => existsSync(path));
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

/** Fixed ports (IndexedDB is per origin, port included); LOCUS_E2E_PORT_BASE moves them all. */
const base = Number(process.env.LOCUS_E2E_PORT_BASE ?? 5183);
export const PORTS = { demo: base, fixtures: base + 1, aggregator: base + 2, frame: base + 3 };

export default defineConfig({
  testDir: './tests',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  // Two cores, fixed ports for IndexedDB persistence, and a shared aggregator: one at a time.
  workers: 1,
  reporter: [['list'], ['json', { outputFile: '../.reports/e2e.json' }]],
  use: {
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
  webServer: [
    {
      command: `./node_modules/.bin/locus-aggregator --port ${PORTS.aggregator} --db ../.data/e2e-aggregator-${PORTS.aggregator}.sqlite`,
      url: `http://127.0.0.1:${PORTS.aggregator}/healthz`,
      reuseExistingServer: false,
    },
    {
      command: `npx pnpm@12.21.0 --filter @locus/demo exec vite preview --port ${PORTS.demo} --strictPort`,
      url: `http://127.0.0.1:${PORTS.demo}/`,
      env: { LOCUS_AGGREGATOR_URL: `http://127.0.0.1:${PORTS.aggregator}` },
      reuseExistingServer: false,
    },
    {
      command: 'node fixture-server.mjs',
      url: `http://127.0.0.1:${PORTS.fixtures}/ads.json`,
      env: { FIXTURE_PORT: String(PORTS.fixtures), FIXTURE_FRAME_PORT: String(PORTS.frame) },
      reuseExistingServer: false,
    },
  ],
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
