import { expect, type Page } from '@playwright/test';
import { PORTS } from '../playwright.config.js';

export const DEMO = `http://127.0.0.1:${PORTS.demo}`;
export const FIXTURES = `http://127.0.0.1:${PORTS.fixtures}`;

/** Fails the test on any uncaught page error: Locus must never throw into the host page. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** The id of the ad rendered in the page's first slot, once it is filled. */
export async function filledAd(page: Page, slot = '[data-locus-slot]'): Promise<string> {
  const element = page.locator(slot).first();
  await expect(element).toHaveAttribute('data-locus-ad', /.+/);
  return (await element.getAttribute('data-locus-ad')) ?? '';
}

/** Waits until locus.js has replaced the stub and `locus.init()` has finished. */
export async function locusReady(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as { locus?: { installed?: boolean } }).locus?.installed,
  );
  await page.evaluate(() => (window as unknown as { locus: { ready: Promise<void> } }).locus.ready);
}

/**
 * Waits until the profile holds `pageViews` page views: with the default load policy the model
 * loads when the page is idle and the page is learned then, after the slot was filled.
 */
export async function learned(page: Page, pageViews: number): Promise<void> {
  await page.waitForFunction(
    (n) =>
      ((window as unknown as { locus: { info(): { storage: { pageViews: number } } | null } }).locus.info()
        ?.storage.pageViews ?? 0) >= n,
    pageViews,
  );
}
