// Side-by-side measurement of locus-glove-sif post-processing variants, straight from the word table
// (no ONNX runtime: the pipeline reproduces the table's embeddings, see pipeline.test.ts):
//   pnpm --filter @locus/models sweep      (prints the table, writes measurements/sif-sweep.json)
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_BUILD_OPTIONS } from '../glove-sif.js';
import { embedWithTable, vocabMap } from '../probe.js';
import { postProcess, principalAxes, sifWeightedRows } from '../sif.js';
import { loadSourceVectors } from '../vectors.js';
import { type DemoCorpus, loadDemoCorpus } from './demo-corpus.js';
import { measurementsDir } from './measurements.js';
import { type CreditLog, type Embed, measureQuality } from './quality.js';
import {
  BOOTSTRAP_SAMPLES,
  BOOTSTRAP_SEED,
  type Candidate,
  selectCandidate,
  TIE_LEVEL,
} from './selection.js';
import { SWEEP_FILE, type SweepFile, type SweepRow, type SweepVariant } from './sweep-file.js';
import { loadAvailableTasks } from './tasks.js';
import type { ParentTask } from './taxonomy.js';

export const SWEEP_A = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2];
export const SWEEP_COMPONENTS = [0, 1, 2, 3, 4, 5];

export async function runSweep(
  tasks: ParentTask[],
  corpus: DemoCorpus,
  aValues: number[] = SWEEP_A,
  components: number[] = SWEEP_COMPONENTS,
): Promise<{ rows: SweepRow[]; chosen: SweepRow; best: SweepRow }> {
  const src = await loadSourceVectors();
  const base = { ...DEFAULT_BUILD_OPTIONS };
  const rows: SweepRow[] = [];
  const candidates: Candidate[] = [];
  for (const a of aValues) {
    const weighted = sifWeightedRows(src, { ...base, a });
    for (const centre of [false, true]) {
      const axes = principalAxes(weighted, centre);
      for (const removeComponents of components) {
        const table = postProcess(weighted, axes, { removeComponents });
        const vocab = vocabMap(table.tokens);
        const embed: Embed = async (texts) => texts.map((t) => embedWithTable(t, table, vocab));
        const credits: CreditLog = new Map();
        const quality = await measureQuality(embed, tasks, corpus, credits);
        const taxonomyMean = meanAccuracy(quality.taxonomies);
        const docsMean = meanAccuracy(quality.taxonomyDocs);
        rows.push({
          a,
          centre,
          removeComponents,
          quality,
          taxonomyMean,
          docsMean,
          publicScore: 0,
          notBeaten: 0,
        });
        candidates.push({
          groups: [...credits.keys()].sort().map((k) => credits.get(k)!),
          demoGap: quality.demo.gap,
        });
      }
    }
  }
  const selection = selectCandidate(candidates);
  rows.forEach((r, i) => {
    r.publicScore = selection.scores[i]!;
    r.notBeaten = selection.notBeaten[i]!;
  });
  return { rows, chosen: rows[selection.chosen]!, best: rows[selection.best]! };
}

function meanAccuracy(results: Record<string, { accuracy: number }>): number {
  const accs = Object.values(results).map((t) => t.accuracy);
  return accs.length ? accs.reduce((s, x) => s + x, 0) / accs.length : Number.NaN;
}

const pct = (x: number) => (Number.isNaN(x) ? '  n/a' : (x * 100).toFixed(1).padStart(5));
const f3 = (x: number) => x.toFixed(3);

export function sweepTable(rows: SweepRow[], taskIds: string[]): string {
  const docIds = taskIds.map((id) => `${id} docs`);
  const head = [
    'a',
    'centre',
    'k',
    ...taskIds,
    'names mean',
    ...docIds,
    'docs mean',
    'public',
    'not beaten',
    'same',
    'cross',
    'gap',
    'AUC',
    'top1',
    'P@3',
    'ad top1',
  ];
  const lines = rows.map((r) => {
    const d = r.quality.demo;
    return [
      r.a.toExponential(0),
      r.centre ? 'yes' : 'no',
      String(r.removeComponents),
      ...taskIds.map((id) => pct(r.quality.taxonomies[id]?.accuracy ?? Number.NaN)),
      pct(r.taxonomyMean),
      ...taskIds.map((id) => pct(r.quality.taxonomyDocs[id]?.accuracy ?? Number.NaN)),
      pct(r.docsMean),
      pct(r.publicScore),
      pct(r.notBeaten),
      f3(d.sameTopic),
      f3(d.crossTopic),
      f3(d.gap),
      f3(d.auc),
      pct(d.pageTop1),
      pct(d.pagePrecisionAt3),
      pct(d.adTop1),
    ];
  });
  return [head, ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const pick = ({ a, centre, removeComponents }: SweepVariant): SweepVariant => ({
  a,
  centre,
  removeComponents,
});

async function main(): Promise<void> {
  const { tasks, missing } = loadAvailableTasks();
  for (const m of missing) console.warn(m);
  const { rows, chosen, best } = await runSweep(tasks, loadDemoCorpus());
  const ids = tasks.map((t) => t.id);
  console.log(sweepTable(rows, ids));
  const name = (r: SweepRow) => `a=${r.a} centre=${r.centre} k=${r.removeComponents}`;
  const ties = rows.filter((r) => r.notBeaten >= TIE_LEVEL).length;
  console.log(
    `best public score: ${name(best)}; ${ties} variants tied with it (bootstrap); selected: ${name(chosen)}`,
  );
  const out = join(measurementsDir(), SWEEP_FILE);
  await mkdir(dirname(out), { recursive: true });
  const file: SweepFile = {
    tasks: ids,
    missing,
    selection: { samples: BOOTSTRAP_SAMPLES, seed: BOOTSTRAP_SEED, tieLevel: TIE_LEVEL },
    selected: pick(chosen),
    rows,
  };
  await writeFile(out, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
