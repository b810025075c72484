import { encodeMessage, PROTOCOL_VERSION } from '@locus/protocol';
import { expect, test } from '@playwright/test';
import { DEMO, watchPageErrors } from './helpers.js';

test('the federation page says which source is unavailable and why, and shows no numbers of its own', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  // The aggregator is down, and the simulation has not been run here.
  await page.route('**/fl/v1/**', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
  await page.route('**/federation/simulation.json', (route) =>
    route.fulfill({ status: 404, body: 'not found' }),
  );
  await page.goto(`${DEMO}/federation.html`);
  await expect(page.locator('body')).toHaveAttribute('data-federation-ready', 'true');
  for (const [id, what] of [
    ['#model', 'The global model unavailable. /fl/v1/model'],
    ['#rounds', 'The rounds unavailable. /fl/v1/rounds?limit=50'],
    ['#ledger', 'The privacy ledger unavailable. /fl/v1/ledger'],
    ['#quality', 'The simulation results unavailable. /federation/simulation.json does not exist'],
  ] as const) {
    await expect(page.locator(id)).toContainText(what);
  }
  await expect(page.locator('canvas')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test('with the aggregator and the simulation answering, the page shows rounds, the ledger and both charts', async ({
  page,
}, testInfo) => {
  const pageErrors = watchPageErrors(page);
  // Responses in the aggregator's wire format (encoded by @locus/protocol) and the simulation's.
  const model = encodeMessage('model-download', {
    protocolVersion: PROTOCOL_VERSION,
    model: { modelId: 'locus-ctr', version: 3, layoutVersion: 1, updatedAt: '2026-11-01T10:00:00.000Z' },
    weights: new Float32Array(64),
  });
  const entry = (round: number, roundEpsilon: number, cumulativeEpsilon: number) => ({
    round,
    modelVersion: round,
    cohortSize: 30,
    contributors: 26,
    samplingRate: 0.01,
    noiseMultiplier: 1.1,
    clippingBound: 1,
    delta: 1e-6,
    roundEpsilon,
    cumulativeEpsilon,
    accountant: 'rdp-poisson-subsampled-gaussian' as const,
    conversion: 'improved' as const,
    publishedAt: `2026-11-0${round}T10:00:00.000Z`,
  });
  const ledger = encodeMessage('privacy-ledger', {
    protocolVersion: PROTOCOL_VERSION,
    entries: [entry(1, 0.21, 0.21), entry(2, 0.21, 0.3), entry(3, 0.21, 0.37)],
  });
  const rounds = JSON.stringify({
    rounds: [
      {
        roundId: 'round-3-0a1b2c3d',
        sequence: 3,
        status: 'completed',
        outcome: null,
        modelVersion: 2,
        publishedVersion: 3,
        cohortSize: 30,
        contributors: 26,
        dropouts: { shareKeys: 1, maskedInput: 3, unmask: 0 },
        durationsMs: { total: 42_000 },
      },
    ],
  });
  const simulation = JSON.stringify({
    rounds: [1, 2, 3, 4].map((round) => ({ round, hr10: 0.1 * round, ndcg10: 0.05 * round })),
    central: { hr10: 0.45, ndcg10: 0.22 },
    contentOnlyCentral: { hr10: 0.31, ndcg10: 0.17 },
    curveRun: 'ε = 8',
    date: '2026-11-29T01:00:00.000Z',
    runs: [{ label: 'no DP', curve: [2, 4].map((round) => ({ round, hr10: 0.12 * round, ndcg10: 0 })) }],
  });
  const json = (body: string) => ({ status: 200, contentType: 'application/json', body });
  await page.route('**/fl/v1/model', (route) => route.fulfill(json(model)));
  await page.route('**/fl/v1/ledger', (route) => route.fulfill(json(ledger)));
  await page.route('**/fl/v1/rounds?limit=50', (route) => route.fulfill(json(rounds)));
  await page.route('**/federation/simulation.json', (route) => route.fulfill(json(simulation)));

  await page.goto(`${DEMO}/federation.html`);
  await expect(page.locator('body')).toHaveAttribute('data-federation-ready', 'true');
  await expect(page.locator('#model')).toContainText('locus-ctr');
  await expect(page.locator('#model')).toContainText('Parameters64');
  await expect(page.locator('#rounds tbody tr')).toHaveCount(1);
  await expect(page.locator('#rounds')).toContainText('1 / 3 / 0');
  await expect(page.locator('#ledger')).toContainText('ε = 0.37 at δ = 0.000001');
  await expect(page.locator('#quality')).toContainText(
    'After 4 simulated rounds (ε = 8, measured 2026-11-29): HR@10 0.400',
  );
  await expect(page.locator('#ledger-chart canvas')).toHaveCount(1);
  await expect(page.locator('#quality-chart canvas')).toHaveCount(1);
  await expect(page.locator('#quality-chart')).toContainText('HR@10 (central)');
  await expect(page.locator('#quality-chart')).toContainText('HR@10 (no DP)');
  await expect(page.locator('#quality')).toContainText('per-item rows (text and context features only)');
  await expect(page.locator('#quality-chart')).toContainText('HR@10 (central, no per-item rows)');
  const shot = testInfo.outputPath('federation-with-data.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('federation-with-data', { path: shot, contentType: 'image/png' });
  expect(pageErrors).toEqual([]);
});
