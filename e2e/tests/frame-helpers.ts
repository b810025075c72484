import type { ProfileExport } from '@locus/sdk';
import { expect, type Frame, type Page } from '@playwright/test';
import { PORTS } from '../playwright.config.js';

// localhost and 127.0.0.1 are different sites (and both secure contexts): the frame is
// cross-site, as an article with ads embedded by another publisher would be.
export const HOST = `http://localhost:${PORTS.fixtures}`;
export const FRAME_ORIGIN = `http://127.0.0.1:${PORTS.frame}`;

type FramedWindow = {
  errors: string[];
  impressions: { slot: string; adId: string }[];
  locus: { installed?: boolean; ready: Promise<void>; profile: { export(): Promise<ProfileExport> } };
};

export async function ready(frame: Frame): Promise<void> {
  // Polled by time: an off-screen cross-origin frame gets no animation frames to poll with.
  await frame.waitForFunction(() => (window as unknown as FramedWindow).locus?.installed, undefined, {
    polling: 100,
  });
  await frame.evaluate(() => (window as unknown as FramedWindow).locus.ready);
}

export const framed = (frame: Frame) =>
  frame.evaluate(async () => {
    const w = window as unknown as FramedWindow;
    const data = await w.locus.profile.export();
    return {
      errors: w.errors,
      impressions: w.impressions,
      views: data.events.filter((e) => e.type === 'view' && e.slot === 'framed'),
    };
  });

/**
 * Opens the host page with the framed article below its fold, checks that nothing is filled or
 * counted there, scrolls the frame into view, and returns the frame once its ad was counted.
 */
export async function scrollFrameIntoView(page: Page, db: string): Promise<Frame> {
  const src = `${FRAME_ORIGIN}/framed.html?db=${db}`;
  await page.goto(`${HOST}/frame-host.html?src=${encodeURIComponent(src)}`);
  await expect.poll(() => page.frames().length).toBe(2);
  const frame = page.frames().find((f) => f.url().startsWith(FRAME_ORIGIN))!;
  await ready(frame);
  const slot = frame.locator('[data-locus-slot="framed"]');
  await expect(slot).toHaveAttribute('data-locus-size', '300x250');
  // In the frame's own viewport the slot is on screen, but IntersectionObserver measures
  // against the top-level viewport: below the host's fold it is neither filled nor seen.
  await page.waitForTimeout(1500);
  expect(await slot.getAttribute('data-locus-ad')).toBeNull();
  expect((await framed(frame)).impressions).toEqual([]);

  await page.locator('#ad-frame').scrollIntoViewIfNeeded();
  await expect(slot).toHaveAttribute('data-locus-ad', /.+/);
  await expect.poll(async () => (await framed(frame)).impressions.length).toBe(1);
  return frame;
}
