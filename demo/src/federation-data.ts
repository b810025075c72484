// Readers for the federation page's two JSON sources that have no wire schema in
// @locus/protocol: the aggregator's round summaries (GET /fl/v1/rounds) and the federated
// simulation's results. They accept the documented shape and throw, naming the field, otherwise.

export interface RoundRow {
  roundId: string;
  sequence: number;
  status: string;
  outcome: string | null;
  cohortSize: number;
  contributors: number | null;
  dropouts: { shareKeys: number | null; maskedInput: number | null; unmask: number | null };
  durationMs: number | null;
  modelVersion: number;
  publishedVersion: number | null;
}

export interface Simulation {
  rounds: { round: number; hr10: number; ndcg10: number; epsilon?: number }[];
  central: { hr10: number; ndcg10: number } | null;
  /** The same model trained centrally without per-item rows (text and context only), when the file says. */
  contentOnly: { hr10: number; ndcg10: number } | null;
  /** Which run `rounds` is ("ε = 8"), when the file says. */
  label: string | null;
  /** When it was measured (ISO date), when the file says. */
  date: string | null;
  /** Every run's HR@10 by round, for comparison (empty when the file has none). */
  runs: { label: string; rounds: { round: number; hr10: number }[] }[];
}

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where} is not an object`);
  return value as Json;
}

function number(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${where} is not a number`);
  return value;
}

function maybeNumber(value: unknown, where: string): number | null {
  return value === null || value === undefined ? null : number(value, where);
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where} is not a string`);
  return value;
}

/** `{ rounds: [...] }` as the aggregator's GET /fl/v1/rounds returns it, newest first. */
export function parseRounds(text: string): RoundRow[] {
  const body = object(JSON.parse(text), 'the response');
  if (!Array.isArray(body.rounds)) throw new Error('"rounds" is not an array');
  return body.rounds.map((raw, i) => {
    const where = `rounds[${i}]`;
    const round = object(raw, where);
    const dropouts = object(round.dropouts ?? {}, `${where}.dropouts`);
    const durations = object(round.durationsMs ?? {}, `${where}.durationsMs`);
    return {
      roundId: string(round.roundId, `${where}.roundId`),
      sequence: number(round.sequence, `${where}.sequence`),
      status: string(round.status, `${where}.status`),
      outcome:
        round.outcome === null || round.outcome === undefined
          ? null
          : string(round.outcome, `${where}.outcome`),
      cohortSize: number(round.cohortSize, `${where}.cohortSize`),
      contributors: maybeNumber(round.contributors, `${where}.contributors`),
      dropouts: {
        shareKeys: maybeNumber(dropouts.shareKeys, `${where}.dropouts.shareKeys`),
        maskedInput: maybeNumber(dropouts.maskedInput, `${where}.dropouts.maskedInput`),
        unmask: maybeNumber(dropouts.unmask, `${where}.dropouts.unmask`),
      },
      durationMs: maybeNumber(durations.total, `${where}.durationsMs.total`),
      modelVersion: number(round.modelVersion, `${where}.modelVersion`),
      publishedVersion: maybeNumber(round.publishedVersion, `${where}.publishedVersion`),
    };
  });
}

/** `{ rounds: [{ round, hr10, ndcg10, epsilon? }], central: { hr10, ndcg10 } }` from the simulation. */
export function parseSimulation(text: string): Simulation {
  const body = object(JSON.parse(text), 'the file');
  if (!Array.isArray(body.rounds)) throw new Error('"rounds" is not an array');
  const rounds = body.rounds.map((raw, i) => {
    const where = `rounds[${i}]`;
    const row = object(raw, where);
    const parsed: Simulation['rounds'][number] = {
      round: number(row.round, `${where}.round`),
      hr10: number(row.hr10, `${where}.hr10`),
      ndcg10: number(row.ndcg10, `${where}.ndcg10`),
    };
    const epsilon = maybeNumber(row.epsilon, `${where}.epsilon`);
    if (epsilon !== null) parsed.epsilon = epsilon;
    return parsed;
  });
  rounds.sort((a, b) => a.round - b.round);
  const baseline = (value: unknown, where: string): Simulation['central'] => {
    if (value === undefined || value === null) return null;
    const c = object(value, where);
    return { hr10: number(c.hr10, `${where}.hr10`), ndcg10: number(c.ndcg10, `${where}.ndcg10`) };
  };
  const central = baseline(body.central, 'central');
  const contentOnly = baseline(body.contentOnlyCentral, 'contentOnlyCentral');
  const optionalString = (value: unknown, where: string) => {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw new Error(`${where} is not a string`);
    return value;
  };
  const runs = (Array.isArray(body.runs) ? body.runs : []).map((raw, i) => {
    const run = object(raw, `runs[${i}]`);
    const label = optionalString(run.label, `runs[${i}].label`) ?? `run ${i + 1}`;
    if (!Array.isArray(run.curve)) throw new Error(`runs[${i}].curve is not an array`);
    const points = run.curve.map((point, k) => {
      const where = `runs[${i}].curve[${k}]`;
      const row = object(point, where);
      return { round: number(row.round, `${where}.round`), hr10: number(row.hr10, `${where}.hr10`) };
    });
    return { label, rounds: points.sort((a, b) => a.round - b.round) };
  });
  return {
    rounds,
    central,
    contentOnly,
    label: optionalString(body.curveRun, 'curveRun'),
    date: optionalString(body.date, 'date'),
    runs,
  };
}
