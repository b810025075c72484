import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noiseMultiplierForEpsilon, privacySpent } from '@locus/protocol';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../config.js';
import type { RoundSettings } from './settings.js';

const rounds = (argv: string[], env: Record<string, string> = {}): RoundSettings => {
  const request = parseConfig(argv, env, '/srv');
  if (request.kind !== 'run') throw new Error('expected run');
  return request.config.rounds;
};

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('round flags', () => {
  it('reads every option from flags or LOCUS_* env', () => {
    const settings = rounds(
      [
        ...['--model-length', '12345', '--layout-version', '2', '--initial-weights', 'w.f32'],
        ...['--max-cohort', '200', '--min-cohort', '30', '--neighbour-count', '60'],
        ...['--clipping-bound', '0.5', '--noise-multiplier', '1.2', '--delta', '1e-5'],
        ...[
          '--strategy',
          'fedadam',
          '--server-learning-rate',
          '0.02',
          '--adam-beta1',
          '0.8',
          '--adam-tau',
          '1e-4',
        ],
        ...['--check-in-window', '45s', '--share-keys-timeout', '500ms', '--masked-input-timeout', '5m'],
        ...['--address-rate', '50', '--address-burst', '200', '--token-rate', '0', '--trust-proxy'],
        ...['--cors-origins', 'https://a.example, https://b.example:8443'],
      ],
      { LOCUS_SAMPLING_RATE: '0.25', LOCUS_UNMASK_TIMEOUT: '1m' },
    );
    expect(settings).toEqual({
      model: { id: 'locus-ctr', length: 12345, layoutVersion: 2, initialWeights: '/srv/w.f32' },
      cohort: { samplingRate: 0.25, maxCohort: 200, minCohort: 30, neighbourCount: 60 },
      privacy: { clippingBound: 0.5, noiseMultiplier: 1.2, delta: 1e-5, target: null },
      strategy: { name: 'fedadam', serverLearningRate: 0.02, beta1: 0.8, beta2: 0.99, tau: 1e-4 },
      deadlines: { checkInMs: 45_000, shareKeysMs: 500, maskedInputMs: 300_000, unmaskMs: 60_000 },
      http: {
        addressLimit: { ratePerSecond: 50, burst: 200 },
        tokenLimit: null,
        trustProxy: true,
        corsOrigins: ['https://a.example', 'https://b.example:8443'],
      },
    });
  });

  it('derives q from the expected cohort and the population', () => {
    expect(rounds(['--expected-cohort', '50', '--population', '943']).cohort.samplingRate).toBe(50 / 943);
  });

  it('derives σ from a target ε over the planned rounds, and that σ meets it', () => {
    const settings = rounds(['--sampling-rate', '0.05', '--target-epsilon', '8', '--planned-rounds', '100']);
    const sigma = noiseMultiplierForEpsilon({
      targetEpsilon: 8,
      samplingRate: 0.05,
      rounds: 100,
      delta: 1e-6,
    });
    expect(settings.privacy).toEqual({
      clippingBound: 1,
      noiseMultiplier: sigma,
      delta: 1e-6,
      target: { epsilon: 8, plannedRounds: 100 },
    });
    expect(
      privacySpent({ samplingRate: 0.05, noiseMultiplier: sigma, rounds: 100, delta: 1e-6 }).epsilon,
    ).toBeLessThanOrEqual(8);
  });

  it('complete means the complete graph for any cohort', () => {
    expect(rounds(['--neighbour-count', 'complete']).cohort.neighbourCount).toBe(1000);
  });

  it.each([
    [['--model-length', '0'], 'invalid --model-length "0" (an integer from 1 to 1048576)'],
    [['--sampling-rate', '0'], 'invalid --sampling-rate "0" (a probability, 0 < q <= 1)'],
    [['--sampling-rate', '1.5'], 'invalid --sampling-rate "1.5" (a probability, 0 < q <= 1)'],
    [
      ['--sampling-rate', '0.1', '--expected-cohort', '5'],
      'give --sampling-rate or --expected-cohort with --population, not both',
    ],
    [
      ['--expected-cohort', '5'],
      '--expected-cohort and --population go together (q = expected cohort / eligible population)',
    ],
    [
      ['--expected-cohort', '150', '--population', '1000'],
      "--expected-cohort 150 is above --max-cohort 100: the cap would cut most cohorts and the accountant's Poisson-sampling assumption would not hold",
    ],
    [['--min-cohort', '50', '--max-cohort', '40'], '--min-cohort 50 is above --max-cohort 40'],
    [
      ['--min-cohort', '12'],
      '--min-cohort 12 gives a Shamir threshold of 8; clients refuse thresholds below 10 (raise --min-cohort or --neighbour-count)',
    ],
    [['--neighbour-count', '7'], "--neighbour-count 7 must be even (SecAgg+'s Harary graph), or 'complete'"],
    [['--noise-multiplier=-1'], 'invalid --noise-multiplier "-1" (a number >= 0)'],
    [
      ['--noise-multiplier', '1', '--target-epsilon', '2'],
      'give --noise-multiplier or --target-epsilon with --planned-rounds, not both',
    ],
    [['--target-epsilon', '2'], '--target-epsilon and --planned-rounds go together'],
    [['--delta', '1'], 'invalid --delta "1" (0 < delta < 1)'],
    [['--clipping-bound', '0'], 'invalid --clipping-bound "0" (a positive number)'],
    [['--strategy', 'fedprox'], 'invalid --strategy "fedprox" (one of fedavg, fedadam)'],
    [['--adam-beta1', '0.5'], '--adam-beta1 applies to --strategy fedadam only'],
    [['--strategy', 'fedadam', '--adam-beta2', '1'], 'invalid --adam-beta2 "1" (0 <= x < 1)'],
    [
      ['--unmask-timeout', '30'],
      'invalid --unmask-timeout "30" (a duration with its unit, e.g. 500ms, 30s, 2m; from 100ms to 1h)',
    ],
    [['--token-rate', '0', '--token-burst', '5'], '--token-burst has no effect with --token-rate 0'],
    [
      ['--cors-origins', 'https://a.example/path'],
      'invalid --cors-origins entry "https://a.example/path" (an origin such as https://news.example, no path)',
    ],
  ])('rejects %j', (argv, message) => {
    expect(configError(() => parseConfig(argv))).toBe(message);
  });

  it('loadConfig checks the initial-weights file size: 4 bytes per parameter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'locus-weights-'));
    try {
      const file = join(dir, 'w.f32');
      writeFileSync(file, Buffer.alloc(4 * 9));
      const db = ['--db', ':memory:', '--initial-weights', file];
      expect(configError(() => loadConfig([...db, '--model-length', '10']))).toBe(
        `initial weights file ${file} has 36 bytes; --model-length 10 needs 40 (little-endian float32)`,
      );
      expect(loadConfig([...db, '--model-length', '9']).kind).toBe('run');
      expect(
        configError(() => loadConfig(['--db', ':memory:', '--initial-weights', join(dir, 'missing')])),
      ).toMatch(/does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
