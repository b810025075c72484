// @vitest-environment happy-dom
// Consent against a real CMP: @iabtcf/cmpapi (the IAB's reference CMP API) answering on
// window.__tcfapi with TC strings encoded by @iabtcf/core.
import { CmpApi, CmpApiModel } from '@iabtcf/cmpapi';
import { GVL, TCModel, TCString } from '@iabtcf/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocusError } from '../errors.js';
import { signalOf, watchTcf } from '../modules/consent-tcf.js';
import { globalPrivacyControl } from '../modules/gpc.js';
import type { ConsentInfo } from '../types.js';
import { ConsentController } from './controller.js';
import { decideConsent, withdrawn } from './decide.js';

/** A minimal Global Vendor List (TCF policy 5 = v2.2), enough to encode a TC string offline. */
const GLOBAL_VENDOR_LIST = new GVL({
  gvlSpecificationVersion: 3,
  vendorListVersion: 1,
  tcfPolicyVersion: 5,
  lastUpdated: '2025-01-01T00:00:00Z',
  purposes: Object.fromEntries(
    Array.from({ length: 11 }, (_, i) => [
      i + 1,
      { id: i + 1, name: `Purpose ${i + 1}`, description: '', illustrations: [] },
    ]),
  ),
  specialPurposes: {},
  features: {},
  specialFeatures: {},
  vendors: {},
  stacks: {},
} as never);

function tcString(consents: number[], legitimateInterests: number[] = []): string {
  const model = new TCModel(GLOBAL_VENDOR_LIST);
  model.cmpId = 300;
  model.cmpVersion = 1;
  model.purposeConsents.set(consents);
  model.purposeLegitimateInterests.set(legitimateInterests);
  return TCString.encode(model);
}

const win = window as unknown as { __tcfapi?: unknown };

function controller(options: Partial<ConstructorParameters<typeof ConsentController>[0]> = {}) {
  const reports: LocusError[] = [];
  const consent = new ConsentController({
    tcf: true,
    gpc: true,
    required: false,
    tcfTimeoutMs: 200,
    win,
    nav: {},
    report: (e) => reports.push(e),
    ...options,
  });
  const changes: ConsentInfo[] = [];
  consent.onChange((next) => changes.push(next));
  return { consent, reports, changes };
}

const purposes = (info: ConsentInfo) => ({
  storage: info.storage,
  profiling: info.profiling,
  measurement: info.measurement,
  federation: info.federation,
});

afterEach(() => {
  CmpApiModel.reset();
  delete win.__tcfapi;
});

describe('decideConsent', () => {
  const base = { required: false, gpc: false, tcf: { status: 'absent' as const }, explicit: null };

  it('allows everything by default, nothing when consent is required and nobody granted it', () => {
    expect(purposes(decideConsent(base))).toEqual({
      storage: true,
      profiling: true,
      measurement: true,
      federation: true,
    });
    expect(purposes(decideConsent({ ...base, required: true }))).toEqual({
      storage: false,
      profiling: false,
      measurement: false,
      federation: false,
    });
    expect(
      purposes(decideConsent({ ...base, required: true, explicit: { storage: true, measurement: true } })),
    ).toEqual({
      storage: true,
      profiling: false,
      measurement: true,
      federation: false,
    });
  });

  it('maps TCF purposes 1, 3, 4 (profiling), 7/9 (measurement), 10 (federation)', () => {
    const tcf = (purposeConsents: number[], purposeLegitimateInterests: number[] = []) =>
      purposes(
        decideConsent({
          ...base,
          tcf: { status: 'gdpr-applies', purposeConsents, purposeLegitimateInterests },
        }),
      );
    expect(tcf([1, 3, 4, 7, 10])).toEqual({
      storage: true,
      profiling: true,
      measurement: true,
      federation: true,
    });
    expect(tcf([1, 3, 4], [9])).toEqual({
      storage: true,
      profiling: true,
      measurement: true,
      federation: false,
    });
    expect(tcf([1, 3], [7, 10])).toEqual({
      storage: true,
      profiling: false,
      measurement: true,
      federation: false,
    });
    // Purposes 3 and 4 cannot rest on legitimate interest; nothing works without purpose 1.
    expect(tcf([1], [3, 4])).toEqual({
      storage: true,
      profiling: false,
      measurement: false,
      federation: false,
    });
    expect(tcf([3, 4, 7, 10])).toEqual({
      storage: false,
      profiling: false,
      measurement: false,
      federation: false,
    });
  });

  it('lets GPC and an explicit "no" restrict, and a pending CMP withhold without settling', () => {
    expect(purposes(decideConsent({ ...base, gpc: true }))).toEqual({
      storage: true,
      profiling: false,
      measurement: true,
      federation: false,
    });
    expect(decideConsent({ ...base, gpc: true, explicit: { profiling: true } }).profiling).toBe(false);
    expect(decideConsent({ ...base, explicit: { measurement: false } }).measurement).toBe(false);
    const pending = decideConsent({ ...base, tcf: { status: 'pending' } });
    expect(pending).toMatchObject({ storage: false, settled: false });
    const tcfNo = decideConsent({
      ...base,
      explicit: { storage: true },
      tcf: { status: 'gdpr-applies', purposeConsents: [] },
    });
    expect(tcfNo).toMatchObject({ storage: false, settled: true });
  });

  it('names what a change withdrew', () => {
    const before = decideConsent(base);
    expect(withdrawn(before, decideConsent({ ...base, gpc: true }))).toEqual(['profiling', 'federation']);
  });
});

describe('the TCF module against @iabtcf/cmpapi', () => {
  it('decodes a stored choice (tcloaded) with @iabtcf/core', async () => {
    const cmp = new CmpApi(300, 1);
    cmp.update(tcString([1, 3, 4, 7]), false);
    const { consent, changes } = controller();
    await consent.start();
    expect(consent.info.sources.tcf).toEqual({
      status: 'gdpr-applies',
      purposeConsents: [1, 3, 4, 7],
      purposeLegitimateInterests: [],
      cmpId: 300,
    });
    expect(purposes(consent.info)).toEqual({
      storage: true,
      profiling: true,
      measurement: true,
      federation: false,
    });
    expect(changes.map((c) => c.sources.tcf.status)).toEqual(['pending', 'gdpr-applies']);
    consent.stop();
  });

  it('waits while the CMP UI is shown, then follows useractioncomplete and later changes', async () => {
    const cmp = new CmpApi(300, 1);
    cmp.update('', true); // first visit: the UI asks the user
    const { consent, changes } = controller();
    await consent.start();
    expect(consent.info).toMatchObject({ storage: false, profiling: false, settled: false });

    cmp.update(tcString([1, 3, 4, 9, 10]), false);
    expect(consent.info).toMatchObject({ storage: true, profiling: true, federation: true, settled: true });
    // The user reopens the CMP and withdraws profiling.
    cmp.update(tcString([1, 3, 4, 9, 10]), true);
    expect(consent.info.profiling).toBe(true); // the old choice stands while the UI is open
    cmp.update(tcString([1, 9]), false);
    expect(purposes(consent.info)).toEqual({
      storage: true,
      profiling: false,
      measurement: true,
      federation: false,
    });
    expect(changes.map((c) => c.profiling)).toEqual([false, true, false]);
    consent.stop();
  });

  it('treats gdprApplies false as "TCF does not decide" (the default applies)', async () => {
    const cmp = new CmpApi(300, 1);
    cmp.update(null);
    const { consent } = controller();
    await consent.start();
    expect(consent.info).toMatchObject({
      storage: true,
      profiling: true,
      sources: { tcf: { status: 'gdpr-not-applicable' } },
    });
    const { consent: strict } = controller({ required: true });
    await strict.start();
    expect(strict.info.storage).toBe(false);
    consent.stop();
    strict.stop();
  });

  it('works through the IAB stub queue when the CMP loads after Locus asked', async () => {
    // What @iabtcf/stub installs: a queue the CMP drains when it loads.
    const queue: unknown[][] = [];
    win.__tcfapi = (...args: unknown[]) => {
      if (args.length === 0) return queue;
      queue.push(args);
    };
    const { consent } = controller({ tcfTimeoutMs: 1000 });
    const started = consent.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cmp = new CmpApi(300, 1);
    cmp.update(tcString([1, 3, 4]), false);
    await started;
    expect(consent.info).toMatchObject({ storage: true, profiling: true, measurement: false });
    consent.stop();
  });

  it('reports an undecodable TC string as consent-failed and withholds everything', async () => {
    const { consent, reports } = controller();
    win.__tcfapi = (_command: string, _version: number, callback: (data: object, ok: boolean) => void) =>
      callback(
        { eventStatus: 'tcloaded', gdprApplies: true, tcString: 'not-a-tc-string', listenerId: 1 },
        true,
      );
    await consent.start();
    expect(consent.info).toMatchObject({
      storage: false,
      settled: false,
      sources: { tcf: { status: 'error' } },
    });
    expect(reports.map((e) => e.code)).toEqual(['consent-failed']);
    consent.stop();
  });

  it('does not wait forever for a CMP that never answers', async () => {
    win.__tcfapi = () => {};
    const { consent } = controller({ tcfTimeoutMs: 30 });
    const start = Date.now();
    await consent.start();
    expect(Date.now() - start).toBeLessThan(1000);
    expect(consent.info).toMatchObject({
      storage: false,
      settled: false,
      sources: { tcf: { status: 'pending' } },
    });
    consent.stop();
  });

  it('stops listening (removeEventListener) when stopped', async () => {
    const cmp = new CmpApi(300, 1);
    cmp.update(tcString([1, 3, 4]), false);
    const signals: string[] = [];
    const stop = watchTcf(win.__tcfapi as never, (signal) => signals.push(signal.status));
    stop();
    cmp.update(tcString([1]), false);
    expect(signals).toEqual(['gdpr-applies']);
  });

  it('ignores interim statuses and failed calls are errors', () => {
    expect(signalOf({ eventStatus: 'cmpuishown', tcString: 'x' }, true)).toBeUndefined();
    expect(signalOf({}, false)).toMatchObject({ status: 'error' });
  });
});

describe('explicit choices and other tabs', () => {
  it('setConsent merges choices, validates them, and reaches the other tabs', async () => {
    const channelName = `consent-${Math.random()}`;
    const { consent } = controller({ tcf: false, channelName });
    const { consent: otherTab, changes } = controller({ tcf: false, channelName });
    consent.setExplicit({ profiling: false });
    consent.setExplicit({ measurement: false });
    expect(consent.info.sources.explicit).toEqual({ profiling: false, measurement: false });
    expect(() => consent.setExplicit({ storage: 'yes' as never })).toThrow('"storage" must be true or false');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(otherTab.info).toMatchObject({ profiling: false, measurement: false, storage: true });
    expect(changes).toHaveLength(2);
    consent.stop();
    otherTab.stop();
  });
});

describe('GPC', () => {
  it('is on only when navigator.globalPrivacyControl is exactly true', () => {
    expect(globalPrivacyControl({ globalPrivacyControl: true })).toBe(true);
    expect(globalPrivacyControl({ globalPrivacyControl: 'true' })).toBe(false);
    expect(globalPrivacyControl({})).toBe(false);
    expect(globalPrivacyControl(undefined)).toBe(false);
    const { consent } = controller({ nav: { globalPrivacyControl: true }, tcf: false });
    expect(purposes(consent.info)).toEqual({
      storage: true,
      profiling: false,
      measurement: true,
      federation: false,
    });
    const { consent: ignored } = controller({ nav: { globalPrivacyControl: true }, tcf: false, gpc: false });
    expect(ignored.info.profiling).toBe(true);
  });
});
