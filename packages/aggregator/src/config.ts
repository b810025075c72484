import { accessSync, closeSync, constants, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, parsePort } from './config-values.js';
import {
  DEFAULT_ROUND_SETTINGS,
  parseRoundFlags,
  ROUND_FLAGS,
  ROUND_USAGE,
  type RoundSettings,
} from './rounds/settings.js';

export { ConfigError, parsePort } from './config-values.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Validated server configuration. */
export interface AggregatorConfig {
  port: number;
  host: string;
  /** Absolute path of the SQLite file, or `:memory:` for a throw-away database. */
  dbPath: string;
  logLevel: LogLevel;
  /** Everything about rounds, the model, privacy and the HTTP limits: see rounds/settings.ts. */
  rounds: RoundSettings;
}

/** What the command line asked for: run the server, or print the usage text. */
export type CliRequest = { kind: 'run'; config: AggregatorConfig } | { kind: 'help' };

export const DEFAULTS = {
  port: 8787,
  host: '127.0.0.1',
  dbPath: './.data/aggregator.sqlite',
  logLevel: 'info',
} as const satisfies Pick<AggregatorConfig, 'port' | 'host' | 'dbPath'> & { logLevel: LogLevel };

export const USAGE = `Usage: locus-aggregator [options]

Locus federated-learning aggregation server. Every option can also be set in the environment as
LOCUS_<OPTION> (e.g. --sampling-rate 0.1 is LOCUS_SAMPLING_RATE=0.1); flags win over env.

Server:
  --port <n>                   TCP port, 1-65535                   (default ${DEFAULTS.port})
  --host <addr>                interface to listen on              (default ${DEFAULTS.host})
  --db <path>                  SQLite file, its folder is created; ':memory:' keeps nothing
                               (default ${DEFAULTS.dbPath})
  --log-level <lvl>            ${LOG_LEVELS.join(', ')} (default ${DEFAULTS.logLevel})
${ROUND_USAGE}

  -h, --help                   print this help and exit

Exit codes: 0 after SIGINT/SIGTERM, 2 on a bad configuration or when the server cannot start.
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  'log-level': { type: 'string' },
  ...ROUND_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** `--sampling-rate` reads `LOCUS_SAMPLING_RATE`: one rule for every option. */
export function envName(flag: string): string {
  return `LOCUS_${flag.toUpperCase().replaceAll('-', '_')}`;
}

/**
 * Parses and validates flags and environment (flags win over env, env over defaults) without
 * touching the file system. `dbPath` and file paths are resolved against `cwd`.
 */
export function parseConfig(argv: readonly string[], env: Env = {}, cwd = '.'): CliRequest {
  const { values } = parseFlags(argv);
  if (values.help) return { kind: 'help' };
  const pick = (flag: string): string | undefined => {
    const value = (values as Record<string, unknown>)[flag];
    if (typeof value === 'string') return value;
    if (value === true) return 'true';
    return nonEmpty(env[envName(flag)]);
  };

  const portText = pick('port');
  const host = pick('host') ?? DEFAULTS.host;
  const db = pick('db') ?? DEFAULTS.dbPath;
  const logLevel = pick('log-level') ?? DEFAULTS.logLevel;

  if (host.trim() === '' || /\s/.test(host)) throw new ConfigError(`invalid host ${JSON.stringify(host)}`);
  if (db.trim() === '') throw new ConfigError('--db must not be empty');
  if (!isLogLevel(logLevel)) {
    throw new ConfigError(`invalid log level ${JSON.stringify(logLevel)} (one of ${LOG_LEVELS.join(', ')})`);
  }
  return {
    kind: 'run',
    config: {
      port: portText === undefined ? DEFAULTS.port : parsePort(portText),
      host,
      dbPath: db === ':memory:' ? db : resolve(cwd, db),
      logLevel,
      rounds: parseRoundFlags(pick, cwd),
    },
  };
}

export { DEFAULT_ROUND_SETTINGS };

/**
 * {@link parseConfig}, then makes sure the files can be used: creates the database folder, refuses
 * a directory, an unwritable location and an existing file that is not SQLite, and checks that an
 * initial-weights file exists with the right size.
 */
export function loadConfig(argv: readonly string[], env: Env = {}, cwd = process.cwd()): CliRequest {
  const request = parseConfig(argv, env, cwd);
  if (request.kind === 'run') {
    prepareDbPath(request.config.dbPath);
    checkInitialWeights(request.config.rounds);
  }
  return request;
}

const SQLITE_HEADER = 'SQLite format 3\0';

/** File-system checks for the database path; see {@link loadConfig}. */
export function prepareDbPath(dbPath: string): void {
  if (dbPath === ':memory:') return;
  const folder = dirname(dbPath);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new ConfigError(`cannot create database folder ${folder}: ${reason(error)}`);
  }
  const stat = statSync(dbPath, { throwIfNoEntry: false });
  if (stat?.isDirectory()) throw new ConfigError(`database path ${dbPath} is a directory`);
  if (stat && !stat.isFile()) throw new ConfigError(`database path ${dbPath} is not a regular file`);
  try {
    accessSync(stat ? dbPath : folder, constants.W_OK | (stat ? constants.R_OK : 0));
  } catch (error) {
    throw new ConfigError(`database path ${dbPath} is not writable: ${reason(error)}`);
  }
  if (stat && stat.size > 0 && readHeader(dbPath, SQLITE_HEADER.length) !== SQLITE_HEADER) {
    throw new ConfigError(`database path ${dbPath} exists but is not an SQLite database`);
  }
}

/** The initial weights are raw little-endian float32: exactly 4 bytes per parameter. */
function checkInitialWeights({ model }: RoundSettings): void {
  if (model.initialWeights === 'zeros' || model.initialWeights === 'locus-prior') return;
  const stat = statSync(model.initialWeights, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new ConfigError(`initial weights file ${model.initialWeights} does not exist`);
  if (stat.size !== 4 * model.length) {
    throw new ConfigError(
      `initial weights file ${model.initialWeights} has ${stat.size} bytes; ` +
        `--model-length ${model.length} needs ${4 * model.length} (little-endian float32)`,
    );
  }
}

function parseFlags(argv: readonly string[]) {
  // `pnpm start -- --port 1` passes the `--` on (npm drops it): ignore one leading `--`.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ConfigError(flagErrorMessage(error));
  }
}

/** Node's parseArgs messages are long and multi-line; keep one short line per case. */
function flagErrorMessage(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const option = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted} (see --help)`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)} (see --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('does not take')
        ? `option ${option} takes no value (see --help)`
        : `option ${option} needs a value (see --help)`;
    default:
      return message.split('\n')[0] ?? 'invalid arguments';
  }
}

function readHeader(path: string, length: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function reason(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return code ?? message ?? String(error);
}
