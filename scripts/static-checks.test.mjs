// Lint, format and type checks run as tests, so a style or type error fails CI like a bug does.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const PROJECTS = [
  'packages/protocol',
  'packages/sdk',
  'packages/aggregator',
  'packages/models',
  'packages/bench',
  'demo',
  'e2e',
];

function run(command, args) {
  try {
    execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (err) {
    return `${err.stdout ?? ''}${err.stderr ?? ''}` || String(err);
  }
}

describe('static checks', () => {
  it('biome: lint and format are clean', () => {
    expect(run(join(ROOT, 'node_modules/.bin/biome'), ['check', '.'])).toBe('');
  });

  for (const project of PROJECTS.filter((p) => existsSync(join(ROOT, p, 'tsconfig.json')))) {
    it(`tsc: ${project} type-checks`, () => {
      expect(run(join(ROOT, 'node_modules/.bin/tsc'), ['--noEmit', '-p', project])).toBe('');
    }, 120_000);
  }
});
