import { expect, test } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../playwright.config.js';
import { FRAME_ORIGIN, framed, ready, scrollFrameIntoView } from './frame-helpers.js';
import { watchPageErrors } from './helpers.js';

// Chrome with third-party cookies allowed (Firefox and Safari always): a cross-site frame gets
// storage, partitioned by the top-level site. This Chromium blocks them by default (see
// cross-origin-frame.spec.ts); this browser is launched with them allowed.
test.use({
  launchOptions: {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, '--disable-features=TrackingProtection3pcd'],
  },
});

test('in a cross-site iframe storage is partitioned: the framed profile is not the top-level one', async ({
  page,
  context,
}) => {
  const pageErrors = watchPageErrors(page);
  const frame = await scrollFrameIntoView(page, 'framed-partitioned');
  await expect.poll(async () => (await framed(frame)).views.length).toBe(1);
  expect((await framed(frame)).errors).toEqual([]);

  // The same article opened top-level on its own site: another partition, none of the framed
  // visit's events (its own impression would need a second in view, so none yet either).
  const direct = await context.newPage();
  await direct.goto(`${FRAME_ORIGIN}/framed.html?db=framed-partitioned`);
  await ready(direct.mainFrame());
  expect((await framed(direct.mainFrame())).views).toEqual([]);
  await direct.close();
  expect(pageErrors).toEqual([]);
});
