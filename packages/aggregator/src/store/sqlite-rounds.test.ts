import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrivacyLedgerEntry } from '@locus/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { type RoundRecord, StoreError } from './store.js';

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'locus-rounds-'));
  store = SqliteStore.open(join(dir, 'a.sqlite'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function round(sequence: number, overrides: Partial<RoundRecord> = {}): RoundRecord {
  return {
    roundId: `round-${sequence}`,
    sequence,
    status: 'check-in',
    modelVersion: 0,
    parameters: {
      vectorLength: 4,
      layoutVersion: 1,
      samplingRate: 1,
      maxCohort: 10,
      minCohort: 2,
      neighbourCount: 100,
      clippingBound: 1,
      noiseMultiplier: 0,
      delta: 1e-6,
    },
    deadlines: { checkIn: null, shareKeys: null, maskedInput: null, unmask: null },
    times: {
      openedAt: 0,
      firstCheckInAt: null,
      cohortFixedAt: null,
      sharesRoutedAt: null,
      inputsSummedAt: null,
      finishedAt: null,
    },
    counts: { cohort: 0, shared: 0, survivors: 0, responders: 0 },
    stageState: null,
    unmaskRequest: null,
    outcome: null,
    publishedVersion: null,
    ...overrides,
  };
}

const participant = (clientIndex: number) => ({
  clientIndex,
  tokenHash: `hash-${clientIndex}`,
  encryptionPublicKey: new Uint8Array(32).fill(clientIndex),
  maskingPublicKey: new Uint8Array(32).fill(100 + clientIndex),
});

describe('SqliteStore rounds', () => {
  it('initializes version 0 until something is published', async () => {
    await store.initializeModel(3, Float32Array.of(1, 2, 3, 4));
    expect(await store.currentModel()).toMatchObject({ version: 0, layoutVersion: 3, hasWeights: true });
    expect(await store.modelWeights(0)).toEqual(Float32Array.of(1, 2, 3, 4));
  });

  it('keeps one open round, its participants, tokens and stage messages; the first message wins', async () => {
    await store.createRound(round(1));
    expect(await store.lastRoundSequence()).toBe(1);
    await store.addParticipant('round-1', participant(1));
    await store.addParticipant('round-1', participant(2));
    await expect(store.addParticipant('round-1', { ...participant(3), tokenHash: 'hash-1' })).rejects.toThrow(
      StoreError,
    );
    expect((await store.participants('round-1')).map((p) => p.clientIndex)).toEqual([1, 2]);
    expect(await store.findToken('hash-2')).toEqual({ roundId: 'round-1', clientIndex: 2 });

    expect(await store.saveMessage('round-1', 'masked-input', 2, Uint8Array.of(1, 2, 3, 4))).toBe(true);
    expect(await store.saveMessage('round-1', 'masked-input', 2, Uint8Array.of(9, 9, 9, 9))).toBe(false);
    expect(await store.saveMessage('round-1', 'masked-input', 1, Uint8Array.of(5, 6, 7, 8))).toBe(true);
    const stored = [...(await store.messages('round-1', 'masked-input'))];
    expect(stored.map((m) => [m.clientIndex, [...m.payload]])).toEqual([
      [1, [5, 6, 7, 8]],
      [2, [1, 2, 3, 4]],
    ]);
    expect(await store.messageSenders('round-1', 'masked-input')).toEqual([1, 2]);

    await store.saveRoutedShares(
      round(1, { status: 'masked-input', stageState: '{"x":1}' }),
      new Map([[1, Uint8Array.of(7)]]),
    );
    expect(await store.routedShares('round-1', 1)).toEqual(Buffer.of(7));
    expect(await store.routedShares('round-1', 2)).toBeNull();
    expect(await store.openRound()).toMatchObject({ status: 'masked-input', stageState: '{"x":1}' });
  });

  it('a round that ends forgets its messages, routed shares and stage state', async () => {
    await store.createRound(round(1));
    await store.addParticipant('round-1', participant(1));
    await store.saveMessage('round-1', 'share-keys', 1, Uint8Array.of(1));
    await store.saveRoutedShares(
      round(1, { status: 'masked-input', stageState: 'state' }),
      new Map([[1, Uint8Array.of(7)]]),
    );
    await store.saveRound(
      round(1, { status: 'failed', stageState: 'state', outcome: { code: 'x', message: 'y' } }),
    );
    expect(await store.openRound()).toBeNull();
    expect([...(await store.messages('round-1', 'share-keys'))]).toEqual([]);
    expect(await store.routedShares('round-1', 1)).toBeNull();
    expect(await store.round('round-1')).toMatchObject({
      status: 'failed',
      stageState: null,
      outcome: { code: 'x' },
    });
  });

  it('publishes a round atomically: model, server state, ledger entry and round record', async () => {
    await store.createRound(round(1, { status: 'unmask' }));
    const entry = { round: 1, modelVersion: 1, roundEpsilon: 0.5 } as PrivacyLedgerEntry;
    const publication = {
      round: round(1, { status: 'completed', publishedVersion: 1 }),
      model: {
        version: 1,
        layoutVersion: 1,
        weights: Float32Array.of(0.5, 0, 0, 1),
        createdAt: '2025-01-01T00:00:00.000Z',
      },
      serverState: { strategyState: '{"s":1}', privacyLedger: '{"l":1}' },
      ledgerEntry: entry,
    };
    await store.publishRound(publication);
    expect(await store.currentModel()).toMatchObject({ version: 1 });
    expect(await store.modelWeights(1)).toEqual(Float32Array.of(0.5, 0, 0, 1));
    expect(await store.serverState()).toEqual({ strategyState: '{"s":1}', privacyLedger: '{"l":1}' });
    expect(await store.ledger()).toEqual([entry]);
    // Publishing version 1 again fails as a whole: the ledger keeps one entry, the state is unchanged.
    await expect(
      store.publishRound({
        ...publication,
        serverState: { strategyState: 'changed', privacyLedger: 'changed' },
      }),
    ).rejects.toThrow();
    expect(await store.serverState()).toEqual({ strategyState: '{"s":1}', privacyLedger: '{"l":1}' });
    expect(await store.ledger()).toHaveLength(1);
    await expect(store.initializeModel(1, new Float32Array(4))).rejects.toThrow(/already has version 1/);
  });

  it('lists recent rounds newest first', async () => {
    for (const sequence of [1, 2, 3])
      await store.createRound(round(sequence, { status: sequence < 3 ? 'abandoned' : 'check-in' }));
    expect((await store.recentRounds(2)).map((r) => r.sequence)).toEqual([3, 2]);
  });
});
