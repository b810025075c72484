import type {
  ConsentChoice,
  ConsentInfo,
  LocusInfo,
  ProfileExport,
  ProfileSummary,
  RankedAd,
  TrackEvent,
} from '@locus/sdk';
import { expect, type Page } from '@playwright/test';

/** window.locus as the script-tag build installs it (the calls the profile tests make). */
export interface WindowLocus {
  info(): LocusInfo | null;
  track(event: TrackEvent): Promise<void>;
  rank(): Promise<RankedAd[]>;
  setConsent(choice: ConsentChoice): Promise<ConsentInfo | null>;
  profile: { export(): Promise<ProfileExport>; clear(): Promise<void>; summary(): Promise<ProfileSummary> };
}

type Win = Window & {
  locus: WindowLocus;
  errors: string[];
  testCmp: { decide(consents: number[], li?: number[]): void };
};

export const exportProfile = (page: Page) =>
  page.evaluate(() => (window as unknown as Win).locus.profile.export());
export const info = (page: Page) => page.evaluate(() => (window as unknown as Win).locus.info()!);
export const reportedErrors = (page: Page) => page.evaluate(() => (window as unknown as Win).errors);

/** Names of the origin's IndexedDB databases (opening none). */
export const databases = (page: Page) =>
  page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? ''));

/** The user answers in the CMP's UI with these TCF purposes. */
export const cmpDecides = (page: Page, consents: number[], legitimateInterests: number[] = []) =>
  page.evaluate(
    ([c, li]) => (window as unknown as Win).testCmp.decide(c!, li),
    [consents, legitimateInterests],
  );

/** Waits until the slot is filled and its impression stored (the ad was in view for a second). */
export async function impressionStored(page: Page): Promise<void> {
  await expect
    .poll(async () => (await exportProfile(page)).events.filter((e) => e.type === 'view' && e.adId).length)
    .toBeGreaterThanOrEqual(1);
}

export type { Win };
