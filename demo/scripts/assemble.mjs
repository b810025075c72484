#!/usr/bin/env node
// Copies the built SDK and models into the demo's public folder before `vite` / `vite build`:
//   @locus/sdk     <pkg>/dist/cdn/     (export "./cdn/*")       -> demo/public/locus/
//   @locus/models  <pkg>/dist/models/  (export "./artefacts/*") -> demo/public/locus/models/
//   @iabtcf/stub   lib/stub.js (the IAB's __tcfapi stub, a classic script) -> demo/public/consent/
//   bench-results/simulation.json (the federated simulation, when it has been run)
//                                      -> demo/public/federation/simulation.json
// The targets are gitignored. No dependencies; exits non-zero if a package is not built yet.

import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const demoDir = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(demoDir, 'package.json'));
const publicLocus = join(demoDir, 'public', 'locus');

/** Directory of an installed package, as seen from the demo package. */
function packageDir(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    // package.json is not in the package's "exports": walk node_modules from demo/ upwards.
  }
  for (let dir = demoDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

function hasFiles(dir) {
  return existsSync(dir) && statSync(dir).isDirectory() && countFiles(dir).files > 0;
}

function countFiles(dir) {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = countFiles(full);
      files += sub.files;
      bytes += sub.bytes;
    } else {
      files += 1;
      bytes += statSync(full).size;
    }
  }
  return { files, bytes };
}

const sources = [
  { name: '@locus/sdk', sub: join('dist', 'cdn'), marker: 'locus.js', target: publicLocus },
  {
    name: '@locus/models',
    sub: join('dist', 'models'),
    marker: undefined,
    target: join(publicLocus, 'models'),
  },
];

const problems = [];
for (const source of sources) {
  const pkg = packageDir(source.name);
  if (!pkg) {
    problems.push(
      `${source.name} is not installed in demo/node_modules: run \`pnpm install\` at the repository root.`,
    );
    continue;
  }
  source.from = join(pkg, source.sub);
  const ok = source.marker ? existsSync(join(source.from, source.marker)) : hasFiles(source.from);
  if (!ok) {
    const what = source.marker ? join(source.from, source.marker) : `${source.from}/ (missing or empty)`;
    problems.push(`${source.name} is not built (${what}): run \`pnpm --filter ${source.name} build\` first.`);
  }
}

if (problems.length > 0) {
  console.error('[assemble] cannot assemble the demo:');
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}

// Start clean so files removed from a package do not linger; the SDK goes first because the
// models folder lives inside it.
rmSync(publicLocus, { recursive: true, force: true });
for (const source of sources) {
  cpSync(source.from, source.target, { recursive: true, dereference: true });
  const { files, bytes } = countFiles(source.target);
  const mb = (bytes / 1024 / 1024).toFixed(1);
  console.log(
    `[assemble] ${source.name}: ${relative(demoDir, source.from) || source.from} -> ${relative(demoDir, source.target)}/ (${files} files, ${mb} MB)`,
  );
}

// The IAB's CMP stub must run as a plain script before locus.js, so it is served as a file.
const stub = join(packageDir('@iabtcf/stub') ?? '', 'lib', 'stub.js');
if (!existsSync(stub)) {
  console.error(`[assemble] @iabtcf/stub is not installed (${stub}): run \`pnpm install\`.`);
  process.exit(1);
}
mkdirSync(join(demoDir, 'public', 'consent'), { recursive: true });
copyFileSync(stub, join(demoDir, 'public', 'consent', 'tcf-stub.js'));
console.log('[assemble] @iabtcf/stub: lib/stub.js -> public/consent/tcf-stub.js');

// The federation page charts the simulation's quality over rounds: a fresh `bench simulation`
// run when there is one, else the run recorded in packages/bench/measurements (the page shows its
// date). Without either the page says so (a stale copy is removed, never shown as current).
const simulations = [
  join(demoDir, '..', 'bench-results', 'simulation.json'),
  join(demoDir, '..', 'packages', 'bench', 'measurements', 'simulation.json'),
];
const federationDir = join(demoDir, 'public', 'federation');
rmSync(federationDir, { recursive: true, force: true });
const simulation = simulations.find((file) => existsSync(file));
if (simulation) {
  mkdirSync(federationDir, { recursive: true });
  copyFileSync(simulation, join(federationDir, 'simulation.json'));
  console.log(`[assemble] ${relative(join(demoDir, '..'), simulation)} -> public/federation/simulation.json`);
} else {
  console.log('[assemble] no simulation results: the federation page will say the simulation has not run');
}
