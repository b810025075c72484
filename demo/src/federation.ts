// "Federation" (for operators): the aggregator's recent rounds, the global model, the privacy
// ledger and the model's quality over rounds from the federated simulation. Each source is
// fetched on its own; one that is missing or malformed is named with the reason, and nothing
// is ever drawn from numbers that did not come from it.
import { type ModelDownload, type PrivacyLedger, parseMessage } from '@locus/protocol';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { clear, el, formatTime } from './dom.js';
import { parseRounds, parseSimulation, type RoundRow, type Simulation } from './federation-data.js';

type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** GETs `path` and parses its text; every failure becomes a sentence for the page. */
async function load<T>(path: string, parse: (text: string) => T): Promise<Loaded<T>> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
  } catch (err) {
    return { ok: false, reason: `${path} could not be reached (${String(err)}).` };
  }
  if (response.status === 404)
    return { ok: false, reason: `${path} does not exist on this server (HTTP 404).` };
  if (!response.ok) return { ok: false, reason: `${path} answered HTTP ${response.status}.` };
  const text = await response.text();
  try {
    return { ok: true, value: parse(text) };
  } catch (err) {
    return { ok: false, reason: `${path} did not contain what this page expects: ${(err as Error).message}` };
  }
}

function unavailable(container: HTMLElement, what: string, reason: string): void {
  clear(container).append(el('p', { className: 'notice', role: 'status' }, `${what} unavailable. ${reason}`));
}

const num = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

function table(headers: string[], rows: (string | number)[][], numeric: Set<number>): HTMLElement {
  const head = el(
    'tr',
    {},
    headers.map((h, i) => el('th', { className: numeric.has(i) ? 'num' : '' }, h)),
  );
  const body = rows.map((row) =>
    el(
      'tr',
      {},
      row.map((cell, i) => el('td', { className: numeric.has(i) ? 'num' : '' }, String(cell))),
    ),
  );
  return el('div', { className: 'table-scroll' }, [
    el('table', {}, [el('thead', {}, head), el('tbody', {}, body)]),
  ]);
}

/** A uPlot line chart that follows its container's width. */
function chart(
  container: HTMLElement,
  title: string,
  data: uPlot.AlignedData,
  series: uPlot.Series[],
  yLabel: string,
) {
  clear(container);
  const width = () => Math.max(280, container.clientWidth);
  const plot = new uPlot(
    {
      title,
      width: width(),
      height: 300,
      scales: { x: { time: false } },
      axes: [{ label: 'round' }, { label: yLabel }],
      series: [{ label: 'round' }, ...series],
    },
    data,
    container,
  );
  new ResizeObserver(() => plot.setSize({ width: width(), height: 300 })).observe(container);
}

function renderModel(result: Loaded<ModelDownload>): void {
  const box = byId('model');
  if (!result.ok) {
    unavailable(box, 'The global model', result.reason);
    return;
  }
  const { model, weights } = result.value;
  const fact = (term: string, value: string) => [el('dt', {}, term), el('dd', {}, value)];
  clear(box).append(
    el('dl', { className: 'facts' }, [
      ...fact('Model', model.modelId),
      ...fact('Version', String(model.version)),
      ...fact('Layout version', String(model.layoutVersion)),
      ...fact('Parameters', weights.length.toLocaleString()),
      ...fact('Published', formatTime(Date.parse(model.updatedAt))),
    ]),
  );
}

function renderRounds(result: Loaded<RoundRow[]>): void {
  const box = byId('rounds');
  if (!result.ok) {
    unavailable(box, 'The rounds', result.reason);
    return;
  }
  const rounds = result.value;
  if (rounds.length === 0) {
    clear(box).append(
      el('p', { className: 'notice notice--info' }, 'The aggregator has not run a round yet.'),
    );
    return;
  }
  const seconds = (ms: number | null) => (ms === null ? '–' : (ms / 1000).toFixed(1));
  clear(box).append(
    table(
      [
        'Round',
        'Status',
        'Cohort',
        'Contributors',
        'Dropouts (keys / input / unmask)',
        'Duration s',
        'Model',
      ],
      rounds.map((r) => [
        r.sequence,
        r.outcome ? `${r.status} (${r.outcome})` : r.status,
        r.cohortSize,
        r.contributors ?? '–',
        [r.dropouts.shareKeys, r.dropouts.maskedInput, r.dropouts.unmask].map((d) => d ?? '–').join(' / '),
        seconds(r.durationMs),
        r.publishedVersion === null ? `v${r.modelVersion}` : `v${r.modelVersion} → v${r.publishedVersion}`,
      ]),
      new Set([0, 2, 3, 5]),
    ),
  );
}

function renderLedger(result: Loaded<PrivacyLedger>): void {
  const box = byId('ledger');
  const plot = byId('ledger-chart');
  if (!result.ok) {
    unavailable(box, 'The privacy ledger', result.reason);
    clear(plot);
    return;
  }
  const entries = result.value.entries;
  if (entries.length === 0) {
    clear(box).append(
      el('p', { className: 'notice notice--info' }, 'No round has been published: ε spent so far is 0.'),
    );
    clear(plot);
    return;
  }
  const last = entries[entries.length - 1]!;
  clear(box).append(
    el(
      'p',
      {},
      `Privacy spent after ${entries.length} published rounds: ε = ${num(last.cumulativeEpsilon, 2)} at δ = ${last.delta} (${last.accountant}, ${last.conversion} conversion).`,
    ),
    table(
      ['Round', 'Model', 'Cohort', 'Contributors', 'Noise σ', 'Clip C', 'ε round', 'ε total'],
      entries.map((e) => [
        e.round,
        `v${e.modelVersion}`,
        e.cohortSize,
        e.contributors,
        num(e.noiseMultiplier, 2),
        num(e.clippingBound, 2),
        num(e.roundEpsilon, 3),
        num(e.cumulativeEpsilon, 3),
      ]),
      new Set([0, 2, 3, 4, 5, 6, 7]),
    ),
  );
  const rounds = entries.map((e) => e.round);
  const value = (v: number | null) => (v === null ? null : v);
  chart(
    plot,
    'Privacy loss (ε) over rounds',
    [rounds, entries.map((e) => value(e.cumulativeEpsilon)), entries.map((e) => value(e.roundEpsilon))],
    [
      { label: 'ε cumulative', stroke: '#b42318', width: 2 },
      { label: 'ε per round', stroke: '#f79009', width: 1.5, dash: [6, 4] },
    ],
    'ε',
  );
}

function renderQuality(result: Loaded<Simulation>): void {
  const box = byId('quality');
  const plot = byId('quality-chart');
  if (!result.ok) {
    unavailable(box, 'The simulation results', result.reason);
    clear(plot);
    return;
  }
  const { rounds, central, contentOnly, label, date, runs } = result.value;
  const last = rounds[rounds.length - 1];
  const which = [label, date ? `measured ${date.slice(0, 10)}` : null].filter(Boolean).join(', ');
  clear(box).append(
    el(
      'p',
      {},
      last
        ? `After ${last.round} simulated rounds${which ? ` (${which})` : ''}: HR@10 ${num(last.hr10, 3)}, NDCG@10 ${num(last.ndcg10, 3)}${central ? `; a model trained centrally on the same data reaches HR@10 ${num(central.hr10, 3)}, NDCG@10 ${num(central.ndcg10, 3)}` : ''}.`
        : 'The simulation file has no rounds.',
    ),
  );
  if (last && contentOnly) {
    box.append(
      el(
        'p',
        {},
        `Without its per-item rows (text and context features only) the central model reaches HR@10 ${num(contentOnly.hr10, 3)}: what differential privacy costs here is what those rows learn from other users.`,
      ),
    );
  }
  if (!last) {
    clear(plot);
    return;
  }
  const xs = rounds.map((r) => r.round);
  const flat = (v: number) => xs.map(() => v);
  const series: uPlot.Series[] = [
    { label: `HR@10 (${label ?? 'federated'})`, stroke: '#0b6e4f', width: 2 },
    { label: `NDCG@10 (${label ?? 'federated'})`, stroke: '#2459d6', width: 2 },
  ];
  const data: (number | null)[][] = [rounds.map((r) => r.hr10), rounds.map((r) => r.ndcg10)];
  // The other runs (without noise, with dropouts, other ε) as thinner lines, HR@10 only.
  const palette = ['#b45309', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f'];
  runs
    .filter((run) => run.label !== label)
    .forEach((run, i) => {
      const at = new Map(run.rounds.map((r) => [r.round, r.hr10]));
      series.push({ label: `HR@10 (${run.label})`, stroke: palette[i % palette.length], width: 1 });
      data.push(xs.map((x) => at.get(x) ?? null));
    });
  if (central) {
    series.push(
      { label: 'HR@10 (central)', stroke: '#0b6e4f', dash: [6, 4], width: 1 },
      { label: 'NDCG@10 (central)', stroke: '#2459d6', dash: [6, 4], width: 1 },
    );
    data.push(flat(central.hr10), flat(central.ndcg10));
  }
  if (contentOnly) {
    series.push({ label: 'HR@10 (central, no per-item rows)', stroke: '#6b7280', dash: [2, 3], width: 1 });
    data.push(flat(contentOnly.hr10));
  }
  chart(plot, 'Model quality over rounds (simulation)', [xs, ...data] as uPlot.AlignedData, series, 'score');
}

async function start(): Promise<void> {
  const [model, rounds, ledger, simulation] = await Promise.all([
    load('/fl/v1/model', (text) => parseMessage('model-download', text)),
    load('/fl/v1/rounds?limit=50', parseRounds),
    load('/fl/v1/ledger', (text) => parseMessage('privacy-ledger', text)),
    load('/federation/simulation.json', parseSimulation),
  ]);
  renderModel(model);
  renderRounds(rounds);
  renderLedger(ledger);
  renderQuality(simulation);
  document.body.dataset.federationReady = 'true';
}

void start();
