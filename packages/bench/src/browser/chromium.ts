import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/**
 * Debian's Chromium, as the e2e suite uses it (e2e/playwright.config.ts): Playwright's own
 * browser downloads cannot be fetched here. LOCUS_CHROMIUM overrides the path.
 */
const CANDIDATES = [process.env.LOCUS_CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium'];

/** The e2e launch arguments; --enable-unsafe-webgpu gives WebGPU (on SwiftShader without a GPU). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

export function chromiumPath(): string {
  const found = CANDIDATES.find((path): path is string => Boolean(path) && existsSync(path!));
  if (!found) {
    throw new Error(
      'Chromium not found (looked in /usr/lib/chromium/chromium, /usr/bin/chromium, $LOCUS_CHROMIUM). ' +
        'Install it with: apt-get install -y chromium',
    );
  }
  return found;
}

/**
 * Launches headless Chromium, runs `use`, and always closes the browser, even when `use` throws
 * or runs past `timeoutMs` (then the suite fails with a clear message instead of hanging).
 */
export async function withChromium<T>(
  use: (browser: Browser) => Promise<T>,
  { timeoutMs = 600_000 }: { timeoutMs?: number } = {},
): Promise<T> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`browser benchmark timed out after ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([use(browser), timeout]);
  } finally {
    clearTimeout(timer);
    await browser.close().catch(() => undefined);
  }
}

/** A fresh context (empty HTTP cache, empty IndexedDB): what a first visit sees. */
export async function freshContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(120_000);
  return context;
}

/** Forwards the page's console errors and uncaught exceptions to stderr (they explain failures). */
export function echoPageErrors(context: BrowserContext, label: string): void {
  context.on('page', (page) => {
    page.on('pageerror', (error) => console.error(`[${label}] page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') console.error(`[${label}] console: ${message.text()}`);
    });
  });
}
