import { parseMessage, type WireKind } from '@locus/protocol';
import { expect, test } from '@playwright/test';
import { otherDevices, startLocusAggregator } from '../federation-server.js';
import { FIXTURES, locusReady, watchPageErrors } from './helpers.js';

const DIM = 100; // the default encoder, locus-glove-sif
/** Every message a device may send the aggregator, by route. */
const ROUTES: [RegExp, WireKind][] = [
  [/\/fl\/v1\/check-in$/, 'check-in-request'],
  [/\/fl\/v1\/rounds\/[^/]+\/share-keys$/, 'share-keys-request'],
  [/\/fl\/v1\/rounds\/[^/]+\/masked-input$/, 'masked-input-request'],
  [/\/fl\/v1\/rounds\/[^/]+\/unmask$/, 'unmask-response'],
];

test('a real browser completes a secure round with 19 other devices; it sends protocol messages only', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const pageErrors = watchPageErrors(page);
  const aggregator = await startLocusAggregator({
    textDim: DIM,
    noiseMultiplier: 0.5,
    stageMs: 60_000,
    corsOrigins: [FIXTURES],
  });
  const { url } = aggregator;
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(new URL(worker.url()).pathname));
  const sent: { url: string; method: string; body: string | null }[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(aggregator.origin))
      sent.push({ url: request.url(), method: request.method(), body: request.postData() });
  });
  try {
    await page.goto(
      `${FIXTURES}/federate.html?aggregator=${encodeURIComponent(url)}&db=federate-${Date.now()}`,
    );
    await locusReady(page);
    // Read, rank with the model, see and click a few ads: the device's own training data.
    await page.evaluate(async () => {
      const locus = (
        window as unknown as {
          locus: {
            observePage(): Promise<void>;
            rank(): Promise<{ id: string }[]>;
            track(e: object): Promise<void>;
          };
        }
      ).locus;
      await locus.observePage();
      const ranked = await locus.rank();
      for (const ad of ranked.slice(0, 4)) {
        await locus.track({ type: 'view', adId: ad.id, slot: 'side' });
        await locus.track({ type: 'click', adId: ad.id, slot: 'side' });
      }
    });
    const others = otherDevices(url, 5);
    const [report, ...theirs] = await Promise.all([
      page.evaluate(() =>
        (window as unknown as { locus: { federate(): Promise<unknown> } }).locus.federate(),
      ),
      ...others,
    ]);
    expect(theirs.every((r) => r.status === 'completed')).toBe(true);
    expect(report).toMatchObject({ status: 'completed', modelVersion: 0, cohortSize: 20, examples: 4 });
    expect(workers).toContain('/locus/fl-worker.js'); // the round's crypto ran off the main thread
    const published = await (await fetch(`${url}/v1/model`)).json();
    expect(published.model.version).toBe(1);
    const ledger = await (await fetch(`${url}/v1/ledger`)).json();
    expect(ledger.entries[0]).toMatchObject({ round: 1, contributors: 20, noiseMultiplier: 0.5 });

    // The egress audit of this round: every request to the aggregator is a protocol message
    // (or a model download), and the only upload of the update is its masked form.
    expect(sent.length).toBeGreaterThan(4);
    for (const { url: target, method, body } of sent) {
      if (method === 'GET') {
        expect(target).toMatch(/\/fl\/v1\/(model|rounds\/[^/]+\/(shares|unmask))$/);
        continue;
      }
      if (method === 'OPTIONS') continue; // CORS preflight: no body
      const route = ROUTES.find(([pattern]) => pattern.test(target));
      expect(route, `unexpected POST ${target}`).toBeDefined();
      expect(() => parseMessage(route![1], body ?? '')).not.toThrow();
    }
    expect(await page.evaluate(() => (window as unknown as { errors: string[] }).errors)).toEqual([]);
    expect(pageErrors).toEqual([]);
  } finally {
    await aggregator.close();
  }
});
