import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { builtModelsDir, sdkCdnDir } from '../artefacts.js';
import { checkBudgets, describeBudget } from '../budgets.js';
import { cdnFiles, GROUP_ORDER } from '../cdn-files.js';
import { formatGrid, type SuiteReport } from '../report.js';
import { addSizes, fileSizes, kB, type Sizes } from '../sizes.js';

const cells = (s: Sizes) => [kB(s.raw), kB(s.gzip), kB(s.brotli)];
const SIZE_HEADER = ['raw kB', 'gzip kB', 'brotli kB'];

function modelFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.md'))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/**
 * Raw, gzip and brotli sizes of the script-tag build (@locus/sdk/cdn/*) by file and by chunk
 * group, and of the built models; fails when the loader or the core exceeds its gzip budget.
 */
export async function bundleSizesSuite(): Promise<SuiteReport> {
  const cdn = sdkCdnDir();
  const models = builtModelsDir();
  const budgets = checkBudgets(cdn);
  const files = cdnFiles(cdn).map((file) => ({ ...file, sizes: fileSizes(join(cdn, file.path)) }));
  const modelRows = modelFiles(models).map((path) => ({ path, sizes: fileSizes(join(models, path)) }));

  const budgetTable = formatGrid(
    'Bundle budgets (script-tag build, each entry with its static imports; kB = 1,000 bytes)',
    ['entry', 'files', ...SIZE_HEADER, 'budget gzip kB', 'status'],
    budgets.map((b) => [
      b.name,
      String(b.files.length),
      ...cells(b.sizes),
      kB(b.budgetGzip),
      b.ok ? 'ok' : 'OVER',
    ]),
  );
  const groupTable = formatGrid(
    'Chunk groups of the script-tag build (what each costs if it is downloaded)',
    ['group', 'files', ...SIZE_HEADER],
    GROUP_ORDER.flatMap((group) => {
      const members = files.filter((f) => f.group === group);
      return members.length === 0
        ? []
        : [[group, String(members.length), ...cells(addSizes(members.map((m) => m.sizes)))]];
    }),
  );
  const fileTable = formatGrid(
    'Files of the script-tag build (source maps left out)',
    ['group', 'file', ...SIZE_HEADER],
    [...files]
      .sort(
        (a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group) || b.sizes.raw - a.sizes.raw,
      )
      .map((f) => [f.group, f.path, ...cells(f.sizes)]),
  );
  const modelTable = formatGrid(
    'Model files (@locus/models artefacts; one dtype is downloaded)',
    ['file', ...SIZE_HEADER],
    modelRows.map((m) => [m.path, ...cells(m.sizes)]),
  );
  const failures = budgets.filter((b) => !b.ok).map(describeBudget);
  return {
    tables: [budgetTable, groupTable, fileTable, modelTable],
    checks: [
      ...budgets.map(describeBudget),
      'gzip level 9 and brotli quality 9 (static precompression; brotli 11 would save ~5% more); a server compressing on the fly at lower levels sends more.',
      'tfjs wasm: one of the three files is fetched (SIMD without cross-origin isolation); the tfjs JS group holds every backend, of which one loads.',
    ],
    data: { budgets, files, models: modelRows },
    failures,
  };
}
