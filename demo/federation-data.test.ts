import { describe, expect, it } from 'vitest';
import { parseRounds, parseSimulation } from './src/federation-data.js';

describe('federation page data', () => {
  it('reads the aggregator round summaries and names a bad field', () => {
    const round = {
      roundId: 'round-3-abcdef01',
      sequence: 3,
      status: 'completed',
      outcome: null,
      modelVersion: 2,
      publishedVersion: 3,
      cohortSize: 30,
      contributors: 24,
      dropouts: { shareKeys: 2, maskedInput: 4, unmask: 0 },
      durationsMs: { total: 41_500 },
    };
    expect(parseRounds(JSON.stringify({ rounds: [round] }))).toEqual([
      {
        roundId: 'round-3-abcdef01',
        sequence: 3,
        status: 'completed',
        outcome: null,
        cohortSize: 30,
        contributors: 24,
        dropouts: { shareKeys: 2, maskedInput: 4, unmask: 0 },
        durationMs: 41_500,
        modelVersion: 2,
        publishedVersion: 3,
      },
    ]);
    expect(() => parseRounds(JSON.stringify({ rounds: [{ ...round, cohortSize: '30' }] }))).toThrow(
      'rounds[0].cohortSize is not a number',
    );
    expect(() => parseRounds('<!doctype html>')).toThrow();
  });

  it('reads the simulation results, in round order, with an optional central baseline', () => {
    const text = JSON.stringify({
      rounds: [
        { round: 2, hr10: 0.31, ndcg10: 0.17, epsilon: 1.2 },
        { round: 1, hr10: 0.2, ndcg10: 0.1 },
      ],
      central: { hr10: 0.35, ndcg10: 0.2 },
    });
    expect(parseSimulation(text)).toEqual({
      rounds: [
        { round: 1, hr10: 0.2, ndcg10: 0.1 },
        { round: 2, hr10: 0.31, ndcg10: 0.17, epsilon: 1.2 },
      ],
      central: { hr10: 0.35, ndcg10: 0.2 },
      contentOnly: null,
      label: null,
      date: null,
      runs: [],
    });
    expect(parseSimulation(JSON.stringify({ rounds: [] }))).toEqual({
      rounds: [],
      central: null,
      contentOnly: null,
      label: null,
      date: null,
      runs: [],
    });
    // The bench's file also names the run, its date, and every run's curve.
    const full = parseSimulation(
      JSON.stringify({
        rounds: [{ round: 10, hr10: 0.3, ndcg10: 0.15 }],
        curveRun: 'ε = 8',
        date: '2026-11-29T01:00:00.000Z',
        contentOnlyCentral: { hr10: 0.31, ndcg10: 0.17 },
        runs: [
          {
            label: 'no DP',
            curve: [
              { round: 10, hr10: 0.4, ndcg10: 0.2 },
              { round: 0, hr10: 0.16 },
            ],
          },
        ],
      }),
    );
    expect(full).toMatchObject({
      label: 'ε = 8',
      date: '2026-11-29T01:00:00.000Z',
      contentOnly: { hr10: 0.31, ndcg10: 0.17 },
    });
    expect(full.runs).toEqual([
      {
        label: 'no DP',
        rounds: [
          { round: 0, hr10: 0.16 },
          { round: 10, hr10: 0.4 },
        ],
      },
    ]);
    expect(() => parseSimulation(JSON.stringify({ rounds: [], runs: [{ label: 'x', curve: 3 }] }))).toThrow(
      'runs[0].curve is not an array',
    );
    expect(() => parseSimulation(JSON.stringify({ rounds: [], contentOnlyCentral: { hr10: 0.3 } }))).toThrow(
      'contentOnlyCentral.ndcg10 is not a number',
    );
    expect(() => parseSimulation(JSON.stringify({ rounds: [{ round: 1, hr10: 0.2 }] }))).toThrow(
      'rounds[0].ndcg10 is not a number',
    );
  });
});
