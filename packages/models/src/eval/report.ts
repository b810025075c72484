// The summary table the eval prints: one row per model and dtype, plus the bag-of-words baselines.
import type { ModelMeasurements } from './measurements.js';
import type { QualityReport } from './quality.js';

const pct = (x: number | undefined) => (x === undefined ? '  –  ' : (x * 100).toFixed(1).padStart(5));
const f3 = (x: number) => x.toFixed(3);

export function summaryTable(all: ModelMeasurements[]): string {
  const first = all[0];
  if (!first) return '';
  const anyQuality = Object.values(first.quality)[0];
  const tasks = anyQuality ? Object.keys(anyQuality.taxonomies) : [];
  const head = [
    'embedding',
    ...tasks,
    ...tasks.map((t) => `${t} docs`),
    'demo same',
    'cross',
    'AUC',
    'cos vs fp32',
    'texts/s',
  ];
  const line = (name: string, q: QualityReport, extra: string[]) => [
    name,
    ...tasks.map((t) => pct(q.taxonomies[t]?.accuracy)),
    ...tasks.map((t) => pct(q.taxonomyDocs[t]?.accuracy)),
    f3(q.demo.sameTopic),
    f3(q.demo.crossTopic),
    f3(q.demo.auc),
    ...extra,
  ];
  const rows: string[][] = [];
  for (const m of all) {
    for (const [dtype, q] of Object.entries(m.quality)) {
      const agree =
        dtype === 'fp32' ? '1' : (m.agreement[dtype as 'q8' | 'q4']?.meanCosine.toFixed(4) ?? '–');
      const speed = m.speed?.rows.find((r) => r.dtype === dtype)?.pipelineTextsPerSecond;
      rows.push(line(`${m.model} ${dtype}`, q!, [agree, speed === undefined ? '–' : speed.toFixed(0)]));
    }
  }
  rows.push(line('BoW binary', first.baselines.binary, ['', '']));
  rows.push(line('BoW TF-IDF', first.baselines.tfidf, ['', '']));
  return [head, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
