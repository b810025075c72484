import type { ProfileExport } from '@locus/sdk';
import { expect, type Page } from '@playwright/test';

/** The `[data-locus-slot="name"]` element. */
export const slot = (name: string) => `[data-locus-slot="${name}"]`;

/** The ad id a slot shows, once it is filled. */
export async function adIn(page: Page, name: string): Promise<string> {
  await expect(page.locator(slot(name))).toHaveAttribute('data-locus-ad', /.+/);
  return (await page.locator(slot(name)).getAttribute('data-locus-ad')) ?? '';
}

export const exported = (page: Page) =>
  page.evaluate(() =>
    (
      window as unknown as { locus: { profile: { export(): Promise<ProfileExport> } } }
    ).locus.profile.export(),
  );

/** The stored ad impressions (`view` events with an ad) of a slot. */
export async function viewsOf(page: Page, name: string): Promise<ProfileExport['events']> {
  return (await exported(page)).events.filter((e) => e.type === 'view' && e.adId && e.slot === name);
}

/** Scrolls so that `fraction` of the slot's height shows at the bottom of the viewport. */
export async function showFraction(page: Page, name: string, fraction: number): Promise<void> {
  await page.evaluate(
    ([selector, share]) => {
      const element = document.querySelector(selector!)!;
      const top = element.getBoundingClientRect().top + window.scrollY;
      const height = element.getBoundingClientRect().height;
      window.scrollTo(0, top - window.innerHeight + height * Number(share));
    },
    [slot(name), String(fraction)],
  );
}
