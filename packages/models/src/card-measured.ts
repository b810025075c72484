// The "measured" sections of a model card, rendered from committed measurements (measurements/*.json)
// when their fingerprint matches the artefacts being written; otherwise the card says so.
import type { BuiltFile } from './artefacts.js';
import type { ModelMeasurements, SpeedReport } from './eval/measurements.js';
import type { DemoSeparation } from './eval/quality.js';
import type { Precision } from './onnx.js';

const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(1)} %`);
const f3 = (x: number) => x.toFixed(3);
const int = (x: number) => Math.round(x).toLocaleString('en-US');

const TASK_TITLES: Record<string, string> = {
  'iab-content-3.1': 'IAB Content Taxonomy 3.1',
  'iab-ad-product-2.0': 'IAB Ad Product Taxonomy 2.0',
  'topics-v2': 'Topics API taxonomy v2',
};

export function filesTable(sizes: BuiltFile[]): string {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  const rows = sizes.map((f) => `| \`${f.path}\` | ${f.bytes.toLocaleString('en-US')} | ${mb(f.bytes)} |`);
  return ['| file | bytes | size |', '|---|---:|---:|', ...rows].join('\n');
}

/** Everything measured, or a note saying why nothing is shown. */
export function measuredSections(id: string, fingerprint: string, m: ModelMeasurements | undefined): string {
  const rerun = 'LOCUS_DATA_DIR=<path to shared/data> pnpm --filter @locus/models eval';
  if (!m) return `## Measured quality and speed\n\nNot measured yet: run \`${rerun}\`.\n`;
  if (m.fingerprint !== fingerprint) {
    return `## Measured quality and speed\n\nThe committed measurements (\`packages/models/measurements/${id}.json\`) belong to other artefacts (fingerprint ${m.fingerprint.slice(0, 12)}…, these files are ${fingerprint.slice(0, 12)}…): run \`${rerun}\`.\n`;
  }
  const e = m.environment;
  const dtypes = (Object.keys(m.quality) as Precision[]).filter((d) => m.quality[d]);
  const parts = [
    '## Measured quality',
    '',
    `Measured with \`pnpm --filter @locus/models eval\` on ${e.date} through transformers.js ${e.transformers} (onnxruntime-node ${e.onnxruntimeNode}, device cpu, Node ${e.node}), \`pooling: 'mean', normalize: true\`, on exactly these files (fingerprint \`${fingerprint.slice(0, 16)}\`). The bag-of-words baselines use the same tokenizer (binary term vectors, and TF-IDF with smoothed idf fitted on the texts compared), cosine similarity. Ties count as a fraction (expected accuracy under random tie-breaking).`,
    '',
    ...(m.missing.length
      ? ['Not measured (data missing):', '', ...m.missing.map((x) => `- ${x.split('\n')[0]}`), '']
      : []),
    taxonomyTable(m, dtypes, 'taxonomies'),
    '',
    taxonomyTable(m, dtypes, 'taxonomyDocs'),
    '',
    demoTable(m, dtypes),
    '',
    agreementTable(m),
    '',
    speedSection(m.speed, e),
  ];
  return parts.join('\n');
}

function taxonomyTable(
  m: ModelMeasurements,
  dtypes: Precision[],
  key: 'taxonomies' | 'taxonomyDocs',
): string {
  const fp32 = m.quality.fp32 ?? m.quality[dtypes[0]!]!;
  const ids = Object.keys(fp32[key]);
  if (ids.length === 0) return '';
  const title =
    key === 'taxonomies'
      ? '**Taxonomy parents** — for each tier-2 category name, is the nearest tier-1 category name (cosine) its true parent? Accuracy@1:'
      : '**Taxonomy parents from long texts** — the same, but each tier-1 candidate is a document: the names of all its other tier-2 children joined (leave-one-out), as long pages are. Accuracy@1:';
  const head = `| task | tier-2 | tier-1 | ${dtypes.join(' | ')} | BoW binary | BoW TF-IDF | chance |`;
  const rows = ids.map((id) => {
    const r = fp32[key][id]!;
    const cells = dtypes.map((d) => pct(m.quality[d]?.[key][id]?.accuracy));
    const bow = [m.baselines.binary[key][id]?.accuracy, m.baselines.tfidf[key][id]?.accuracy].map(pct);
    return `| ${TASK_TITLES[id] ?? id} | ${r.children} | ${r.parents} | ${cells.join(' | ')} | ${bow.join(' | ')} | ${pct(1 / r.parents)} |`;
  });
  return [
    title,
    '',
    head,
    `|---|---:|---:|${dtypes.map(() => '---:').join('|')}|---:|---:|---:|`,
    ...rows,
  ].join('\n');
}

function demoTable(m: ModelMeasurements, dtypes: Precision[]): string {
  const row = (name: string, d: DemoSeparation) =>
    `| ${name} | ${f3(d.sameTopic)} | ${f3(d.crossTopic)} | ${f3(d.gap)} | ${f3(d.auc)} | ${pct(d.pageTop1)} | ${pct(d.pagePrecisionAt3)} | ${pct(d.adTop1)} |`;
  const any = (m.quality.fp32 ?? m.quality[dtypes[0]!]!).demo;
  return [
    `**Demo site** — ${any.pages} article pages (demo/<topic>/*.html, text as the SDK's pageText() reads it) vs the ${any.ads} ads of demo/public/ads.json (4 of them finance, a topic no page has). Mean page↔ad cosine for same-topic and cross-topic pairs, per-page ROC AUC of same- over cross-topic ads, share of pages whose best ad is on topic, on-topic share of each page's best 3, and share of ads whose nearest page is on topic:`,
    '',
    '| embedding | same | cross | gap | AUC | page top-1 | page P@3 | ad top-1 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...dtypes.map((d) => row(d, m.quality[d]!.demo)),
    row('BoW binary', m.baselines.binary.demo),
    row('BoW TF-IDF', m.baselines.tfidf.demo),
  ].join('\n');
}

function agreementTable(m: ModelMeasurements): string {
  const rows = (
    Object.entries(m.agreement) as [string, NonNullable<ModelMeasurements['agreement']['q8']>][]
  ).map(
    ([d, a]) =>
      `| ${d} | ${a.texts} | ${a.meanCosine.toFixed(4)} | ${a.minCosine.toFixed(4)} | ${a.parentAgreement === null ? '–' : pct(a.parentAgreement)} |`,
  );
  return [
    "**dtype agreement with fp32** — cosine between the pooled embeddings of the same text (all taxonomy names and documents, demo pages and ads), and the share of IAB Content 3.1 tier-2 names whose predicted parent is the same as fp32's:",
    '',
    '| dtype | texts | mean cosine | min cosine | same parent |',
    '|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

function speedSection(speed: SpeedReport | null, e: ModelMeasurements['environment']): string {
  if (!speed) return '## Measured speed\n\nNot measured in the last evaluation run (`--skip-speed`).\n';
  const rows = speed.rows.map(
    (r) =>
      `| ${r.dtype} | ${int(r.loadMs)} | ${int(r.pipelineTextsPerSecond)} | ${int(r.tokenizerTextsPerSecond)} | ${int(r.forwardTextsPerSecond)} | ${int(r.poolingTextsPerSecond)} | ${pct(r.pipelineOverhead)} |`,
  );
  return [
    '## Measured speed (Node, CPU)',
    '',
    `${speed.texts.toLocaleString('en-US')} short ad texts (${speed.meanTokens.toFixed(1)} tokens on average with [CLS]/[SEP]), batches of ${speed.batchSize}, median of ${speed.repeats} interleaved runs after a warm-up, ${e.cpu} (${e.cores} cores${e.loadAverage === null ? '' : `, shared: load average ${e.loadAverage} when the measurement started`}), onnxruntime-node ${e.onnxruntimeNode} through transformers.js ${e.transformers} \`device: 'cpu'\`. *load* is \`pipeline()\` from the local files; *pipeline* is the bare transformers.js feature-extraction call (tokenize, run, mean-pool, normalize); *tokenizer*, *forward* (\`model(inputs)\` on pre-tokenized batches) and *pooling* (\`mean_pooling\` + \`normalize\`) are its parts timed alone, and *overhead* is the share of the pipeline's time outside tokenizer and forward. Browser figures (wasm, WebGPU in Chromium) come from the SDK benchmark, not from this card.`,
    '',
    '| dtype | load ms | pipeline texts/s | tokenizer texts/s | forward texts/s | pooling texts/s | overhead |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
}
