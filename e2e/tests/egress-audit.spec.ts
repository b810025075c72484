import { parseMessage, type WireKind } from '@locus/protocol';
import type { ProfileExport } from '@locus/sdk';
import { expect, type Page, type Request, test } from '@playwright/test';
import { DEMO, learned, locusReady, watchPageErrors } from './helpers.js';

interface Recorded {
  url: string;
  method: string;
  resourceType: string;
  headers: Record<string, string>;
  body: string;
}

/** What a device may send to the aggregator: protocol messages, nothing else. */
const CLIENT_MESSAGES: WireKind[] = [
  'check-in-request',
  'share-keys-request',
  'masked-input-request',
  'unmask-response',
];
/** Same-origin files a visit may fetch: pages, their assets, the SDK and its models, the catalog. */
const STATIC = /^\/(?:$|[a-z-]+\/[a-z-]+\.html$|[a-z-]+\.html$|assets\/|locus\/|consent\/|ads\/|ads\.json$)/;
/** The operators' page reads the aggregator's public, read-only endpoints and the simulation. */
const FEDERATION_READS = /^\/(?:fl\/v1\/(?:model|ledger|rounds)|federation\/simulation\.json)$/;

const exportProfile = (page: Page) =>
  page.evaluate(() =>
    (
      window as unknown as { locus: { profile: { export(): Promise<ProfileExport> } } }
    ).locus.profile.export(),
  );

/** Percent-decoded text (a secret could be URL-encoded), or the text itself. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/** Why a request is not allowed, or null when it is. */
function problem(request: Recorded, landingPages: Set<string>): string | null {
  if (request.url.startsWith('blob:') || request.url.startsWith('data:')) return null; // never leaves the page
  const url = new URL(request.url);
  if (url.origin !== DEMO) {
    // Only the landing page of an ad the reader clicked, exactly as the catalog gives it.
    if (request.resourceType === 'document' && landingPages.has(request.url)) return null;
    return 'a request to another origin';
  }
  if (url.pathname.startsWith('/fl/') && request.method === 'POST') {
    const parsed = CLIENT_MESSAGES.some((kind) => {
      try {
        parseMessage(kind, request.body);
        return true;
      } catch {
        return false;
      }
    });
    return parsed ? null : 'a POST to /fl/ that is not a protocol message';
  }
  if (request.method !== 'GET') return `a ${request.method} request`;
  if (FEDERATION_READS.test(url.pathname))
    return url.search === '' || url.search === '?limit=50' ? null : 'a query';
  if (!STATIC.test(url.pathname)) return 'not a static file';
  return url.search === '' ? null : 'a query string on a static file';
}

test('egress audit: a browsing session sends no page text, events, profile values or embeddings', async ({
  page,
  context,
}) => {
  test.slow();
  const pageErrors = watchPageErrors(page);
  const requests: Recorded[] = [];
  const sockets: string[] = [];
  const record = (request: Request) =>
    requests.push({
      url: request.url(),
      method: request.method(),
      resourceType: request.resourceType(),
      headers: request.headers(),
      body: request.postData() ?? '',
    });
  context.on('request', record);
  page.on('websocket', (socket) => sockets.push(socket.url()));
  await context.route('https://example.*/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<title>Advertiser</title>' }),
  );
  const ads = (await (await page.request.get(`${DEMO}/ads.json`)).json()) as { landingUrl: string }[];
  const landingPages = new Set(ads.map((ad) => ad.landingUrl));

  // A reading session: home, two articles (read, ads seen, one clicked), the privacy page, the
  // operators' page. Collect what the page showed as it goes: none of it may leave.
  const pageText: string[] = [];
  let pagesRead = 0;
  for (const path of ['/', '/sports/marathon-training.html', '/cooking/sourdough.html']) {
    await page.goto(`${DEMO}${path}`);
    await locusReady(page);
    await learned(page, ++pagesRead);
    pageText.push(
      ...(await page
        .locator('main p')
        .evaluateAll((ps) => ps.map((p) => (p.textContent ?? '').trim().slice(0, 60)))),
    );
    const inline = page.locator('[data-locus-slot="in-article"]');
    if ((await inline.count()) > 0) {
      await inline.scrollIntoViewIfNeeded();
      await expect(inline).toHaveAttribute('data-locus-ad', /.+/);
      await page.waitForTimeout(1200); // viewable: an impression is recorded
    }
  }
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.locator('[data-locus-slot="in-article"] a.creative').click(),
  ]);
  await popup.close();
  const profile = await exportProfile(page);
  const summary = await page.evaluate(() =>
    (
      window as unknown as { locus: { profile: { summary(): Promise<{ interests: { label: string }[] }> } } }
    ).locus.profile.summary(),
  );
  await page.goto(`${DEMO}/privacy.html`);
  await expect(page.locator('body')).toHaveAttribute('data-privacy-ready', 'true');
  await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  await page.goto(`${DEMO}/federation.html`);
  await expect(page.locator('body')).toHaveAttribute('data-federation-ready', 'true');

  // What must never leave: the text read, the events and their hashes, the interests, the vectors.
  expect(profile.events.some((e) => e.type === 'click')).toBe(true);
  const numbers = (vector: number[] | undefined) => (vector ?? []).slice(0, 8).map(String);
  const secrets = [
    ...pageText.filter((text) => text.length >= 30),
    ...profile.events.flatMap((e) => [e.urlHash, e.adId && `${e.adId}`, e.slot]).filter(Boolean),
    ...profile.pages.flatMap((p) => [p.urlHash, p.textHash]),
    ...summary.interests.map((i) => i.label),
    ...numbers(profile.interest?.vector),
    ...profile.embeddings.slice(0, 5).flatMap((e) => numbers(e.vector)),
  ] as string[];
  expect(secrets.length).toBeGreaterThan(20);

  const problems: string[] = [];
  for (const request of requests) {
    const why = problem(request, landingPages);
    if (why) problems.push(`${request.method} ${request.url}: ${why}`);
    // Only the path and body are the page's to choose; Referer is same-origin (or origin-only).
    const headers = Object.entries(request.headers).filter(([name]) => name !== 'referer');
    const sent = [
      request.url,
      decoded(request.url),
      request.body,
      decoded(request.body),
      ...headers.map(([, v]) => v),
    ];
    for (const secret of secrets) {
      if (sent.some((part) => part.includes(secret)))
        problems.push(`${request.url} carries "${secret.slice(0, 40)}"`);
    }
    const referer = request.headers.referer;
    if (referer && !request.url.startsWith(DEMO) && referer !== `${DEMO}/`)
      problems.push(`${request.url} got the referer ${referer}`);
  }
  expect(problems).toEqual([]);
  expect(sockets).toEqual([]);
  // The recording saw the encoder worker's own downloads, so nothing slipped past it.
  expect(requests.some((r) => new URL(r.url).pathname.startsWith('/locus/models/'))).toBe(true);
  // Everything the ad click sent to the advertiser: a plain navigation to the catalog's URL.
  expect(
    requests.filter((r) => !r.url.startsWith(DEMO) && !r.url.startsWith('blob:')).map((r) => r.resourceType),
  ).toEqual(['document']);
  expect(pageErrors).toEqual([]);
});
