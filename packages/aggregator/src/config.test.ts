import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialLocusCtrModel } from '@locus/protocol';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_ROUND_SETTINGS,
  DEFAULTS,
  loadConfig,
  parseConfig,
  parsePort,
} from './config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'locus-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const { message } = error as Error;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('uses the defaults, resolving the db path against cwd', () => {
    expect(parseConfig([], {}, '/srv/locus')).toEqual({
      kind: 'run',
      config: {
        port: 8787,
        host: '127.0.0.1',
        dbPath: '/srv/locus/.data/aggregator.sqlite',
        logLevel: 'info',
        rounds: {
          ...DEFAULT_ROUND_SETTINGS,
          // The SDK's default CTR model (encoder width 100), starting from the devices' prior.
          model: {
            id: 'locus-ctr',
            length: initialLocusCtrModel(100).weights.length,
            layoutVersion: initialLocusCtrModel(100).layoutVersion,
            initialWeights: 'locus-prior',
            textDim: 100,
          },
        },
      },
    });
    expect(DEFAULTS.dbPath).toBe('./.data/aggregator.sqlite');
  });

  it('sizes the Locus model from --text-dim, and refuses it together with a generic model', () => {
    const parsed = parseConfig(['--text-dim', '128'], {}, '/srv');
    if (parsed.kind !== 'run') throw new Error('expected a run config');
    expect(parsed.config.rounds.model).toMatchObject({
      textDim: 128,
      length: initialLocusCtrModel(128).weights.length,
      initialWeights: 'locus-prior',
    });
    expect(() => parseConfig(['--text-dim', '128', '--model-length', '10'], {}, '/srv')).toThrow(
      '--text-dim fixes the model; do not also give --model-length',
    );
  });

  it('reads LOCUS_* env, and flags win over env (both --x v and --x=v)', () => {
    const env = {
      LOCUS_PORT: '9000',
      LOCUS_HOST: '0.0.0.0',
      LOCUS_DB: 'env.sqlite',
      LOCUS_LOG_LEVEL: 'debug',
    };
    expect(parseConfig([], env, '/w')).toMatchObject({
      config: { port: 9000, host: '0.0.0.0', dbPath: '/w/env.sqlite', logLevel: 'debug' },
    });
    expect(
      parseConfig(['--port', '9100', '--host=::1', '--db', '/abs/x.sqlite', '--log-level=warn'], env, '/w'),
    ).toMatchObject({ config: { port: 9100, host: '::1', dbPath: '/abs/x.sqlite', logLevel: 'warn' } });
  });

  it('ignores one leading -- (pnpm start -- --port 1 passes it on)', () => {
    expect(parseConfig(['--', '--port', '9200'])).toMatchObject({ config: { port: 9200 } });
    expect(configError(() => parseConfig(['--', '--', '--port', '1']))).toBe(
      'unexpected argument "--port" (see --help)',
    );
  });

  it('treats empty env variables as unset', () => {
    expect(parseConfig([], { LOCUS_PORT: '', LOCUS_HOST: '' })).toMatchObject({
      config: { port: 8787, host: '127.0.0.1' },
    });
  });

  it('keeps :memory: as is', () => {
    expect(parseConfig(['--db', ':memory:'])).toMatchObject({ config: { dbPath: ':memory:' } });
  });

  it('answers help for --help and -h, before validating anything else', () => {
    expect(parseConfig(['--help'])).toEqual({ kind: 'help' });
    expect(parseConfig(['-h', '--port', 'abc'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--port', 'abc'], 'invalid port "abc" (an integer from 1 to 65535)'],
    [['--port', '0'], 'invalid port "0" (an integer from 1 to 65535)'],
    [['--port', '65536'], 'invalid port "65536" (an integer from 1 to 65535)'],
    [['--port=8080.5'], 'invalid port "8080.5" (an integer from 1 to 65535)'],
    [['--port=-1'], 'invalid port "-1" (an integer from 1 to 65535)'],
    [['--port', '0x50'], 'invalid port "0x50" (an integer from 1 to 65535)'],
    [['--port'], 'option --port needs a value (see --help)'],
    [['--port', '--host', 'x'], 'option --port needs a value (see --help)'],
    [['--help=yes'], 'option --help takes no value (see --help)'],
    [['--prot', '80'], 'unknown option --prot (see --help)'],
    [['-p', '80'], 'unknown option -p (see --help)'],
    [['serve'], 'unexpected argument "serve" (see --help)'],
    [
      ['--log-level', 'verbose'],
      'invalid log level "verbose" (one of fatal, error, warn, info, debug, trace, silent)',
    ],
    [['--host='], 'invalid host ""'],
    [['--db='], '--db must not be empty'],
  ])('rejects %j', (argv, message) => {
    expect(configError(() => parseConfig(argv))).toBe(message);
  });

  it('validates env values like flags', () => {
    expect(configError(() => parseConfig([], { LOCUS_PORT: '80a' }))).toBe(
      'invalid port "80a" (an integer from 1 to 65535)',
    );
  });

  it('parsePort accepts the full range', () => {
    expect([parsePort('1'), parsePort('08787'), parsePort('65535')]).toEqual([1, 8787, 65535]);
  });
});

describe('loadConfig (database path checks)', () => {
  it('creates the database folder, nested', () => {
    const dbPath = join(dir, 'a', 'b', 'aggregator.sqlite');
    expect(loadConfig(['--db', dbPath])).toMatchObject({ config: { dbPath } });
    expect(statSync(join(dir, 'a', 'b')).isDirectory()).toBe(true);
  });

  it('resolves the default path against cwd and creates .data there', () => {
    expect(loadConfig([], {}, dir)).toMatchObject({
      config: { dbPath: join(dir, '.data', 'aggregator.sqlite') },
    });
    expect(statSync(join(dir, '.data')).isDirectory()).toBe(true);
  });

  it('accepts an existing SQLite file and an empty file', () => {
    const sqlite = join(dir, 'ok.sqlite');
    const db = new Database(sqlite);
    db.exec('CREATE TABLE t (x)');
    db.close();
    const empty = join(dir, 'empty.sqlite');
    writeFileSync(empty, '');
    expect(loadConfig(['--db', sqlite]).kind).toBe('run');
    expect(loadConfig(['--db', empty]).kind).toBe('run');
  });

  it('rejects a directory', () => {
    expect(configError(() => loadConfig(['--db', dir]))).toBe(`database path ${dir} is a directory`);
  });

  it('rejects a file that is not SQLite', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'hello, not a database');
    expect(configError(() => loadConfig(['--db', file]))).toBe(
      `database path ${file} exists but is not an SQLite database`,
    );
  });

  it('rejects a path below a regular file', () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    const message = configError(() => loadConfig(['--db', join(file, 'db.sqlite')]));
    expect(message).toMatch(new RegExp(`^cannot create database folder ${file}: E`));
  });

  it.skipIf(process.getuid?.() === 0)('rejects a folder it cannot write to', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    expect(configError(() => loadConfig(['--db', join(locked, 'db.sqlite')]))).toMatch(
      /is not writable: EACCES$/,
    );
  });
});
