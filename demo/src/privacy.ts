// "Your privacy": everything Locus keeps in this browser, why the ads were chosen, and the
// visitor's controls (consent, the TCF banner, GPC, download, delete). It reads only through
// the public script-tag API (window.locus), so it shows exactly what any page could.
import type {
  AdCandidate,
  ConsentInfo,
  ConsentPurpose,
  LocusInfo,
  ProfileExport,
  ProfileSummary,
  RankedAd,
  StorageUsage,
} from '@locus/sdk';
import { askAgain, gdprDemoEnabled, setGdprDemo, storedDecision } from './cmp.js';
import { clear, el, formatBytes, formatTime, percent } from './dom.js';

interface WindowLocus {
  cmd: { push(fn: () => unknown): number };
  ready: Promise<void>;
  info(): LocusInfo | null;
  rank(): Promise<RankedAd[]>;
  setConsent(choice: Partial<Record<ConsentPurpose, boolean>>): Promise<ConsentInfo | null>;
  profile: {
    export(): Promise<ProfileExport | null>;
    clear(): Promise<void>;
    summary(): Promise<ProfileSummary | null>;
    usage(): Promise<StorageUsage | null>;
  };
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let catalog = new Map<string, AdCandidate>();

const PURPOSES: { key: ConsentPurpose; title: string; text: string }[] = [
  {
    key: 'storage',
    title: 'Keep anything on this device',
    text: 'Needed by everything below (TCF purpose 1).',
  },
  {
    key: 'profiling',
    title: 'Interest profile',
    text: 'Learn interests from the pages you read here and use them to choose ads (TCF purposes 3 and 4).',
  },
  {
    key: 'measurement',
    title: 'Ad measurement',
    text: 'Count the ads you saw and clicked, and how long you read (TCF purpose 7).',
  },
  {
    key: 'federation',
    title: 'Help train the shared model',
    text: 'Send clipped, masked, noised model updates that are only ever added up with many others (TCF purposes 3, 4, 10).',
  },
];

function renderStats(info: LocusInfo, usage: StorageUsage | null): void {
  const stats = byId('stats');
  const cell = (value: string, label: string) =>
    el('div', { className: 'stat' }, [el('strong', {}, value), el('span', {}, label)]);
  clear(stats).append(
    cell(String(info.storage.pageViews), 'pages read'),
    cell(String(info.storage.events), 'events kept'),
    cell(formatBytes(usage?.bytes ?? info.storage.bytes), 'Locus records'),
    cell(usage?.estimate ? formatBytes(usage.estimate.usage) : '–', 'all site storage'),
  );
  byId('storage-state').textContent = info.storage.available
    ? `Stored in IndexedDB “${info.storage.dbName}”, kept ${info.storage.retentionDays} days at most.`
    : `Nothing can be stored: ${info.storage.reason ?? info.storage.status}.`;
}

function renderInterests(summary: ProfileSummary | null): void {
  const list = clear(byId('interests'));
  if (!summary || summary.interests.length === 0) {
    list.append(
      el(
        'li',
        { className: 'muted' },
        'No interests yet: read a few articles (with the interest profile allowed).',
      ),
    );
    return;
  }
  const top = summary.interests[0]!.weight || 1;
  for (const interest of summary.interests.slice(0, 8)) {
    const bar = el('span');
    bar.style.width = `${Math.round((interest.weight / top) * 100)}%`;
    list.append(
      el('li', {}, [
        el('span', {}, interest.label),
        el('span', { className: 'bar' }, [bar]),
        el('span', { className: 'num' }, percent(interest.weight)),
      ]),
    );
  }
}

function adName(id: string | undefined): string {
  if (!id) return '';
  const ad = catalog.get(id);
  return ad ? `${ad.advertiser ?? ''}: ${ad.text.split('. ')[0]}` : id;
}

function renderEvents(data: ProfileExport | null): void {
  const body = clear(byId('events'));
  const events = (data?.events ?? []).slice(-15).reverse();
  if (events.length === 0) {
    body.append(el('tr', {}, [el('td', { colSpan: 4, className: 'muted' }, 'No events stored.')]));
    return;
  }
  const what = { view: 'Ad seen', click: 'Ad clicked', conversion: 'Conversion', dwell: 'Time reading' };
  for (const event of events) {
    const detail =
      event.type === 'dwell'
        ? `${Math.round((event.dwellMs ?? event.value ?? 0) / 1000)} s on a page`
        : adName(event.adId);
    body.append(
      el('tr', {}, [
        el('td', {}, formatTime(event.time)),
        el('td', {}, what[event.type] ?? event.type),
        el('td', {}, detail),
        el('td', {}, event.slot ?? ''),
      ]),
    );
  }
}

function renderWhy(ranked: RankedAd[]): void {
  const list = clear(byId('why'));
  const basis = {
    'profile+context': 'your interests and this page',
    profile: 'your interests',
    context: 'this page only (no reading history used)',
    none: 'nothing about you: the same for everyone',
  };
  for (const ad of ranked.slice(0, 3)) {
    const { interests, features } = ad.explanation;
    const reasons = interests.slice(0, 3).map((i) => i.label);
    list.append(
      el('li', {}, [
        el('h3', {}, adName(ad.id)),
        el('p', { className: 'small' }, `Chosen from ${basis[features.signal]}.`),
        el(
          'p',
          { className: 'small muted' },
          [
            reasons.length > 0 ? `Interests that drew it: ${reasons.join(', ')}.` : '',
            `Text match ${percent(Math.max(0, features.similarity))}, estimated click chance ${percent(ad.pctr, 1)}${features.bid === undefined ? '' : `, bid ${features.bid.toFixed(2)}`}.`,
          ].join(' '),
        ),
      ]),
    );
  }
}

function renderConsent(consent: ConsentInfo): void {
  const box = clear(byId('consent-toggles'));
  for (const purpose of PURPOSES) {
    const input = el('input', { type: 'checkbox', checked: consent[purpose.key] });
    input.dataset.purpose = purpose.key;
    const gpcBlocks = consent.sources.gpc && (purpose.key === 'profiling' || purpose.key === 'federation');
    if (gpcBlocks) input.disabled = true;
    input.addEventListener('change', async () => {
      input.disabled = true;
      await locus().setConsent({ [purpose.key]: input.checked });
      await refresh();
    });
    const note = gpcBlocks ? ' Off: your browser sends Global Privacy Control.' : '';
    box.append(
      el('label', { className: 'toggle' }, [
        input,
        el('span', {}, [el('strong', {}, purpose.title), el('small', {}, purpose.text + note)]),
      ]),
    );
  }
  const gpc = byId('gpc-state');
  gpc.className = `pill ${consent.sources.gpc ? 'pill--on' : ''}`;
  gpc.textContent = consent.sources.gpc ? 'GPC sent: no profile, no federated learning' : 'GPC not sent';
  const tcf = consent.sources.tcf;
  byId('tcf-state').textContent =
    tcf.status === 'gdpr-applies'
      ? `TCF: consent to purposes ${tcf.purposeConsents?.join(', ') || 'none'}`
      : `TCF: ${tcf.status.replaceAll('-', ' ')}`;
}

function renderCmpDemo(): void {
  const enabled = gdprDemoEnabled();
  byId<HTMLInputElement>('gdpr-demo').checked = enabled;
  byId<HTMLButtonElement>('ask-again').disabled = !enabled;
  const decision = storedDecision();
  const words = { all: 'accepted all', 'storage-only': 'necessary storage only', none: 'rejected all' };
  byId('cmp-decision').textContent = !enabled
    ? 'Off: GDPR does not apply, so Locus uses its defaults.'
    : decision
      ? `The banner's answer: ${words[decision]}.`
      : 'Waiting for an answer in the banner: nothing is stored meanwhile.';
}

const locus = () => (window as unknown as { locus: WindowLocus }).locus;

async function refresh(): Promise<void> {
  const api = locus();
  const info = api.info();
  if (!info) {
    byId('storage-state').textContent = 'Locus did not start on this page.';
    return;
  }
  const [usage, data, ranked] = await Promise.all([api.profile.usage(), api.profile.export(), api.rank()]);
  renderStats(info, usage);
  renderEvents(data);
  renderWhy(ranked);
  renderConsent(info.consent);
  renderCmpDemo();
  // Naming interests needs the on-device model (downloaded once; progress shows meanwhile).
  renderInterests(await api.profile.summary());
  document.body.dataset.privacyReady = 'true';
}

function download(data: ProfileExport): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const link = el('a', {
    href: URL.createObjectURL(blob),
    download: `locus-profile-${new Date().toISOString().slice(0, 10)}.json`,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function wireActions(): void {
  byId('download').addEventListener('click', async () => {
    const data = await locus().profile.export();
    if (data) download(data);
  });
  const remove = byId<HTMLButtonElement>('delete');
  remove.addEventListener('click', async () => {
    // Two steps: the first press asks, the second deletes.
    if (!remove.classList.contains('confirm')) {
      remove.classList.add('confirm');
      remove.textContent = 'Yes, delete everything now';
      return;
    }
    remove.disabled = true;
    await locus().profile.clear();
    remove.classList.remove('confirm');
    remove.textContent = 'Delete everything';
    remove.disabled = false;
    byId('delete-done').hidden = false;
    await refresh();
  });
  byId<HTMLInputElement>('gdpr-demo').addEventListener('change', (event) => {
    setGdprDemo((event.target as HTMLInputElement).checked);
    renderCmpDemo();
  });
  byId('ask-again').addEventListener('click', () => {
    askAgain();
    renderCmpDemo();
  });
  window.addEventListener('locus:consent', () => void refresh());
}

async function start(): Promise<void> {
  wireActions();
  try {
    const ads = (await (await fetch('/ads.json')).json()) as AdCandidate[];
    catalog = new Map(ads.map((ad) => [ad.id, ad]));
  } catch {
    // Ads are then shown by id.
  }
  (window as unknown as { locus: { cmd: unknown[] } }).locus.cmd.push(async () => {
    await locus().ready;
    await refresh();
  });
}

void start();
