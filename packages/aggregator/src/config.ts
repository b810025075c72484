import { accessSync, closeSync, constants, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Validated server configuration. */
export interface AggregatorConfig {
  port: number;
  host: string;
  /** Absolute path of the SQLite file, or `:memory:` for a throw-away database. */
  dbPath: string;
  logLevel: LogLevel;
}

/** What the command line asked for: run the server, or print the usage text. */
export type CliRequest = { kind: 'run'; config: AggregatorConfig } | { kind: 'help' };

export const DEFAULTS = {
  port: 8787,
  host: '127.0.0.1',
  dbPath: './.data/aggregator.sqlite',
  logLevel: 'info',
} as const satisfies Omit<AggregatorConfig, 'logLevel'> & { logLevel: LogLevel };

/** A bad flag, environment variable or database path; `message` is one line, fit for a terminal. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const USAGE = `Usage: locus-aggregator [options]

Locus federated-learning aggregation server.

Options:
  --port <n>         TCP port, 1-65535           (env LOCUS_PORT, default ${DEFAULTS.port})
  --host <addr>      interface to listen on      (env LOCUS_HOST, default ${DEFAULTS.host})
  --db <path>        SQLite database file, its folder is created; ':memory:' keeps nothing
                                                 (env LOCUS_DB, default ${DEFAULTS.dbPath})
  --log-level <lvl>  ${LOG_LEVELS.join(', ')}
                                                 (env LOCUS_LOG_LEVEL, default ${DEFAULTS.logLevel})
  -h, --help         print this help and exit

Exit codes: 0 after SIGINT/SIGTERM, 2 on a bad configuration or when the server cannot start.
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses and validates flags and environment (flags win over env, env over defaults) without
 * touching the file system. `dbPath` is resolved against `cwd`.
 */
export function parseConfig(argv: readonly string[], env: Env = {}, cwd = '.'): CliRequest {
  const { values } = parseFlags(argv);
  if (values.help) return { kind: 'help' };
  const pick = (flag: keyof typeof OPTIONS, envName: string): string | undefined =>
    (values[flag] as string | undefined) ?? nonEmpty(env[envName]);

  const portText = pick('port', 'LOCUS_PORT');
  const host = pick('host', 'LOCUS_HOST') ?? DEFAULTS.host;
  const db = pick('db', 'LOCUS_DB') ?? DEFAULTS.dbPath;
  const logLevel = pick('log-level', 'LOCUS_LOG_LEVEL') ?? DEFAULTS.logLevel;

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
    },
  };
}

/**
 * {@link parseConfig}, then makes sure the database can be opened: creates its folder, refuses a
 * directory, an unwritable location and an existing file that is not SQLite.
 */
export function loadConfig(argv: readonly string[], env: Env = {}, cwd = process.cwd()): CliRequest {
  const request = parseConfig(argv, env, cwd);
  if (request.kind === 'run') prepareDbPath(request.config.dbPath);
  return request;
}

/** Port text to an integer in 1..65535 (decimal digits only: no `0x`, `1e3`, `80.0`). */
export function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`invalid port ${JSON.stringify(text)} (an integer from 1 to 65535)`);
  }
  return port;
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
