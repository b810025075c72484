import { expect, test } from '@playwright/test';
import { framed, scrollFrameIntoView } from './frame-helpers.js';
import { watchPageErrors } from './helpers.js';

test('in a cross-site iframe with third-party storage blocked (this Chromium, incognito): contextual ads, viewability still measured', async ({
  page,
}) => {
  const pageErrors = watchPageErrors(page);
  const frame = await scrollFrameIntoView(page, 'framed-blocked');
  const state = await framed(frame);
  // IndexedDB is refused to third-party frames when third-party cookies are blocked.
  expect(state.errors).toEqual([
    expect.stringMatching(/^storage-unavailable: IndexedDB "framed-blocked" could not be opened/),
  ]);
  expect(state.views).toEqual([]);
  expect(pageErrors).toEqual([]);
});
