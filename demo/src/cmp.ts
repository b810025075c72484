// The demo's consent management platform: the IAB's reference CMP API (@iabtcf/cmpapi) behind
// the IAB stub (/consent/tcf-stub.js, loaded first in every page so Locus finds __tcfapi), with
// TC strings encoded by @iabtcf/core. Off by default (GDPR does not apply: Locus's defaults);
// the privacy page switches "visitor under GDPR" on, and then a banner asks until the visitor
// decides. The decision is kept in localStorage and answered on every page, as a real CMP does.
import { CmpApi } from '@iabtcf/cmpapi';
import { GVL, TCModel, TCString } from '@iabtcf/core';

const ENABLED_KEY = 'commonplace:gdpr-demo';
const DECISION_KEY = 'commonplace:tc-string';
/** Not a registered CMP id: this CMP exists only for the demo. */
const CMP_ID = 300;

// The TCF v2.2 purposes, named as the IAB's policy names them.
const PURPOSE_NAMES = [
  'Store and/or access information on a device',
  'Use limited data to select advertising',
  'Create profiles for personalised advertising',
  'Use profiles to select personalised advertising',
  'Create profiles to personalise content',
  'Use profiles to select personalised content',
  'Measure advertising performance',
  'Measure content performance',
  'Understand audiences through statistics or combinations of data from different sources',
  'Develop and improve services',
  'Use limited data to select content',
];

export type Decision = 'all' | 'storage-only' | 'none';
export const DECISIONS: Record<Decision, number[]> = {
  all: PURPOSE_NAMES.map((_, i) => i + 1),
  'storage-only': [1],
  none: [],
};

// A Global Vendor List with the purposes only, built here so nothing is fetched.
const purposes = Object.fromEntries(
  PURPOSE_NAMES.map((name, i) => [
    i + 1,
    { id: i + 1, name, description: name, descriptionLegal: name, illustrations: [] },
  ]),
);
const gvl = new GVL({
  gvlSpecificationVersion: 3,
  vendorListVersion: 1,
  tcfPolicyVersion: 5,
  lastUpdated: '2025-01-01T00:00:00Z',
  purposes,
  specialPurposes: {},
  features: {},
  specialFeatures: {},
  vendors: {},
  stacks: {},
});

function encode(consents: number[]): string {
  const model = new TCModel(gvl);
  model.cmpId = CMP_ID;
  model.cmpVersion = 1;
  model.purposeConsents.set(consents);
  return TCString.encode(model);
}

const cmp = new CmpApi(CMP_ID, 1);

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage blocked: behave as a first visit
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // The choice then lasts for this page only.
  }
}

export const gdprDemoEnabled = () => read(ENABLED_KEY) === 'on';

/** The visitor's stored decision, if any (null while the banner waits). */
export function storedDecision(): Decision | null {
  const value = read(DECISION_KEY);
  return value === 'all' || value === 'storage-only' || value === 'none' ? value : null;
}

export function decide(decision: Decision): void {
  write(DECISION_KEY, decision);
  cmp.update(encode(DECISIONS[decision]), false);
  document.querySelector('.cmp-banner')?.remove();
}

/** Switches the simulated GDPR visitor on (the banner asks) or off (GDPR does not apply). */
export function setGdprDemo(enabled: boolean): void {
  write(ENABLED_KEY, enabled ? 'on' : null);
  write(DECISION_KEY, null);
  answer();
}

/** Forgets the decision: the banner asks again (and Locus stores nothing meanwhile). */
export function askAgain(): void {
  write(DECISION_KEY, null);
  answer();
}

function banner(): void {
  if (document.querySelector('.cmp-banner')) return;
  const box = document.createElement('section');
  box.className = 'cmp-banner';
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-labelledby', 'cmp-title');
  box.innerHTML = `
    <div class="cmp-banner__text">
      <h2 id="cmp-title">Your choice about ads on Commonplace</h2>
      <p>With your consent, Locus keeps an interest profile <strong>in this browser only</strong> to choose
        ads, measures which ads you see and click, and helps train the shared model with private, aggregated
        updates. Without it, ads match only the page you are reading and nothing is stored.
        <a href="/privacy.html">Details and settings</a></p>
    </div>
    <div class="cmp-banner__actions">
      <button type="button" data-decision="none">Reject all</button>
      <button type="button" data-decision="storage-only">Necessary storage only</button>
      <button type="button" data-decision="all" class="primary">Accept all</button>
    </div>`;
  box.addEventListener('click', (event) => {
    const decision = (event.target as HTMLElement).closest<HTMLElement>('[data-decision]')?.dataset.decision;
    if (decision) decide(decision as Decision);
  });
  document.body.append(box);
}

/** Answers __tcfapi from the stored state: not applicable, the stored decision, or the banner. */
function answer(): void {
  document.querySelector('.cmp-banner')?.remove();
  if (!gdprDemoEnabled()) {
    cmp.update(null);
    return;
  }
  const decision = storedDecision();
  if (decision) {
    cmp.update(encode(DECISIONS[decision]), false);
    return;
  }
  cmp.update('', true); // the UI is showing: Locus waits and stores nothing
  if (document.body) banner();
  else document.addEventListener('DOMContentLoaded', banner, { once: true });
}

answer();
