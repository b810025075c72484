import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CTR_MODEL_ID, type HealthResponse, PROTOCOL_VERSION } from '@locus/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The real bin, run from source: tsx compiles it, the locus-source condition resolves @locus/protocol.
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const NODE_ARGS = ['--conditions=locus-source', '--import', 'tsx', 'src/cli.ts'];

let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'locus-cli-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string> = {}): ChildProcess {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCUS_')));
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: packageDir,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

/** Runs the CLI to completion. */
async function run(args: string[], env?: Record<string, string>) {
  const child = start(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

/** Resolves with the first JSON log line whose message starts with `prefix`. */
function waitForLog(child: ChildProcess, prefix: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before "${prefix}": ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (String(entry.msg).startsWith(prefix)) resolve(entry);
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('locus-aggregator CLI (real process)', () => {
  it('serves /healthz over HTTP and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dbPath = join(dir, 'nested', 'aggregator.sqlite');
    const child = start(['--port', String(port), '--db', dbPath]);
    const listening = await waitForLog(child, 'listening');
    expect(listening).toMatchObject({
      level: 30,
      name: 'locus-aggregator',
      url: `http://127.0.0.1:${port}`,
      db: dbPath,
      protocolVersion: PROTOCOL_VERSION,
      model: 0,
    });

    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as HealthResponse;
    expect(body).toMatchObject({
      status: 'ok',
      protocolVersion: PROTOCOL_VERSION,
      model: { modelId: CTR_MODEL_ID },
    });
    const missing = await fetch(`http://127.0.0.1:${port}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });

    const stopped = waitForLog(child, 'stopped');
    child.kill('SIGTERM');
    await stopped;
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(existsSync(dbPath)).toBe(true);
  });

  it('reads the port from LOCUS_PORT and stops on SIGINT', async () => {
    const port = await freePort();
    const child = start(['--db', ':memory:', '--log-level', 'warn'], { LOCUS_PORT: String(port) });
    // At warn level nothing is logged on start: poll until the port answers.
    let res: Response | undefined;
    for (let i = 0; i < 200 && !res; i++) {
      res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (!res) await new Promise((r) => setTimeout(r, 50));
    }
    expect(res?.status).toBe(200);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, stdout, stderr } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: locus-aggregator/);
    expect(stdout).toContain('--port');
    expect(stderr).toBe('');
  });

  it('--port abc exits 2 with one line on stderr, no stack trace', async () => {
    const { code, stdout, stderr } = await run(['--port', 'abc', '--db', join(dir, 'db.sqlite')]);
    expect(code).toBe(2);
    expect(stderr).toBe('locus-aggregator: invalid port "abc" (an integer from 1 to 65535)\n');
    expect(stdout).toBe('');
  });

  it('a round setting clients would refuse exits 2 with the reason', async () => {
    const { code, stderr } = await run(['--db', ':memory:', '--min-cohort', '12']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'locus-aggregator: --min-cohort 12 gives a Shamir threshold of 8; clients refuse thresholds below 10 ' +
        '(raise --min-cohort or --neighbour-count)\n',
    );
  });

  it('an unknown flag exits 2', async () => {
    const { code, stderr } = await run(['--verbose']);
    expect(code).toBe(2);
    expect(stderr).toBe('locus-aggregator: unknown option --verbose (see --help)\n');
  });

  it('a db path that is a directory exits 2', async () => {
    const { code, stderr } = await run(['--db', dir]);
    expect(code).toBe(2);
    expect(stderr).toBe(`locus-aggregator: database path ${dir} is a directory\n`);
  });

  it('a db file that is not SQLite exits 2', async () => {
    const file = join(dir, 'notes.sqlite');
    writeFileSync(file, 'these are my notes, not a database');
    const { code, stderr } = await run(['--db', file], { LOCUS_PORT: String(await freePort()) });
    expect(code).toBe(2);
    expect(stderr).toBe(`locus-aggregator: database path ${file} exists but is not an SQLite database\n`);
  });

  it('a port in use exits 2', async () => {
    const blocker: Server = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    try {
      const { code, stderr } = await run(['--port', String(port), '--db', ':memory:']);
      expect(code).toBe(2);
      expect(stderr).toBe(
        `locus-aggregator: cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)\n`,
      );
    } finally {
      blocker.close();
    }
  });
});
