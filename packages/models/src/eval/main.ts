// Measures the built models through transformers.js on Node (CPU) and records the figures that the
// model cards show:
//   pnpm --filter @locus/models build && LOCUS_DATA_DIR=../shared/data pnpm --filter @locus/models eval
//   (--skip-speed: quality only)
// Prints a summary table, writes measurements/<model>.json, then rebuilds the models so their cards
// carry the new figures (the artefacts themselves come out byte-identical).
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fingerprintFolder } from '../artefacts.js';
import { buildAll } from '../build.js';
import { DEFAULT_ENCODER_ID, MODEL_IDS, modelFiles, modelsDir } from '../index.js';
import { ONNX_FILES, PRECISIONS, type Precision } from '../onnx.js';
import { agreement } from './agreement.js';
import { loadDemoCorpus } from './demo-corpus.js';
import {
  type ModelMeasurements,
  measurementsDir,
  measurementsPath,
  type SpeedReport,
} from './measurements.js';
import {
  EVAL_BATCH_SIZE,
  loadExtractor,
  pipelineEmbed,
  recordingEmbed,
  runtimeVersions,
} from './pipeline-embed.js';
import { bowQuality, measureQuality, type QualityReport } from './quality.js';
import { summaryTable } from './report.js';
import { measureSpeed, SPEED_REPEATS } from './speed.js';
import { speedTexts } from './speed-texts.js';
import { loadAvailableTasks } from './tasks.js';

async function main(): Promise<void> {
  const skipSpeed = process.argv.includes('--skip-speed');
  const dir = modelsDir();
  const files = Object.fromEntries(MODEL_IDS.map((id) => [id, modelFiles(id, dir)]));
  const { tasks, missing } = loadAvailableTasks();
  for (const m of missing) console.warn(m);
  const corpus = loadDemoCorpus();
  const tokenizer = JSON.parse(readFileSync(join(dir, DEFAULT_ENCODER_ID, 'tokenizer.json'), 'utf8')) as {
    model: { vocab: Record<string, number> };
  };
  const vocab = new Map(Object.entries(tokenizer.model.vocab));
  const baselines = {
    binary: bowQuality('binary', vocab, tasks, corpus),
    tfidf: bowQuality('tfidf', vocab, tasks, corpus),
  };
  const iab = tasks.find((t) => t.id === 'iab-content-3.1');
  const environment = {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    ...runtimeVersions(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    loadAverage: null as number | null,
    device: 'cpu' as const,
  };

  const all: ModelMeasurements[] = [];
  let defaultFp32: Map<string, ArrayLike<number>> | undefined;
  for (const id of MODEL_IDS) {
    const dtypes = PRECISIONS.filter((p) => files[id]!.includes(ONNX_FILES[p]));
    const quality: Partial<Record<Precision, QualityReport>> = {};
    const seen: Partial<Record<Precision, Map<string, ArrayLike<number>>>> = {};
    for (const dtype of dtypes) {
      const extractor = await loadExtractor(dir, id, dtype);
      const rec = recordingEmbed(pipelineEmbed(extractor));
      quality[dtype] = await measureQuality(rec.embed, tasks, corpus);
      seen[dtype] = rec.seen;
      await extractor.dispose();
      console.log(`${id} ${dtype}: quality measured on ${rec.seen.size} texts`);
    }
    const agreementByDtype: ModelMeasurements['agreement'] = {};
    for (const dtype of dtypes) {
      if (dtype !== 'fp32' && seen.fp32 && seen[dtype])
        agreementByDtype[dtype] = agreement(seen.fp32, seen[dtype]!, iab);
    }
    let speed: SpeedReport | null = null;
    if (!skipSpeed) {
      environment.loadAverage ??= Math.round(loadavg()[0]! * 100) / 100;
      const texts = speedTexts();
      const rows = [];
      let meanTokens = 0;
      for (const dtype of dtypes) {
        const r = await measureSpeed(dir, id, dtype, texts);
        rows.push(r.row);
        meanTokens = r.meanTokens;
        console.log(`${id} ${dtype}: ${r.row.pipelineTextsPerSecond.toFixed(0)} texts/s`);
      }
      speed = { texts: texts.length, batchSize: EVAL_BATCH_SIZE, repeats: SPEED_REPEATS, meanTokens, rows };
    }
    const m: ModelMeasurements = {
      model: id,
      fingerprint: fingerprintFolder(join(dir, id), files[id]!),
      environment,
      missing,
      quality,
      baselines,
      agreement: agreementByDtype,
      speed,
    };
    if (id === DEFAULT_ENCODER_ID) defaultFp32 = seen.fp32;
    else if (defaultFp32 && seen.fp32)
      m.versusDefault = agreement(defaultFp32, seen.fp32, iab, vocabDim(defaultFp32));
    all.push(m);
  }

  await mkdir(measurementsDir(), { recursive: true });
  for (const m of all) await writeFile(measurementsPath(m.model), `${JSON.stringify(m, null, 2)}\n`);
  console.log(summaryTable(all));
  const rebuilt = await buildAll(dir);
  for (const m of all) {
    const now = rebuilt.find((r) => r.id === m.model);
    if (now?.fingerprint !== m.fingerprint) {
      throw new Error(
        `${m.model}: the rebuild changed the artefacts (fingerprint ${now?.fingerprint}); was dist/ stale? Build, then eval.`,
      );
    }
  }
  console.log(`wrote ${all.map((m) => measurementsPath(m.model)).join(', ')} and refreshed the model cards`);
}

function vocabDim(m: Map<string, ArrayLike<number>>): number {
  const first = m.values().next().value;
  return first ? first.length : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
