import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseMessage } from '@locus/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { expectedFedAvgWeights, FlTestClient, httpTransport, syntheticUpdate } from './testing/fl-client.js';
import { expectNoContent } from './testing/harness.js';

// The real bin, run from source as in cli.test.ts, killed with SIGKILL: no shutdown code runs.
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const NODE_ARGS = ['--conditions=locus-source', '--import', 'tsx', 'src/cli.ts'];

let dir: string;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts the aggregator and resolves once it listens, with every JSON log line it writes. */
async function startAggregator(
  args: string[],
): Promise<{ child: ChildProcess; logs: Record<string, unknown>[] }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCUS_')));
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: packageDir,
    env: clean,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (String(entry.msg).startsWith('listening')) resolve();
    });
  });
  return { child, logs };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  const [code, signal] = await exited;
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
}

describe('crash and restart (real process, SIGKILL)', () => {
  it('resumes the round mid masked-input and mid unmask, and publishes the exact aggregate', async () => {
    dir = mkdtempSync(join(tmpdir(), 'locus-crash-'));
    const port = await freePort();
    const args = [
      ...['--port', String(port), '--db', join(dir, 'aggregator.sqlite'), '--model-length', '300'],
      ...['--max-cohort', '25', '--noise-multiplier', '0', '--address-rate', '0', '--token-rate', '0'],
      ...['--check-in-window', '2m', '--share-keys-timeout', '2m', '--masked-input-timeout', '2m'],
      ...['--unmask-timeout', '2m'],
    ];
    let server = await startAggregator(args);
    const transport = httpTransport(`http://127.0.0.1:${port}`);
    const clients = Array.from({ length: 25 }, (_, k) => new FlTestClient(transport, 9000 + k));

    for (const client of clients) expect((await client.checkIn()).status).not.toBe('rejected');
    for (const client of clients) expect((await client.checkIn()).status).toBe('accepted'); // 25 = the cap
    for (const client of clients) await expectNoContent(await client.shareKeys());
    for (const client of clients) await client.fetchShares();
    for (const [k, client] of clients.slice(0, 12).entries()) {
      await expectNoContent(await client.maskInput(syntheticUpdate(300, k)));
    }

    await kill(server.child);
    server = await startAggregator(args);
    expect(server.logs.find((line) => line.msg === 'resumed the open round')).toMatchObject({
      status: 'masked-input',
      members: 25,
    });
    // What was accepted before the crash is still there: a repeat is a duplicate.
    const repeat = await clients[0]!.post('masked-input', 'masked-input-request', {
      ...clients[0]!.envelope(),
      maskedInput: new Uint32Array(300),
    });
    expect(repeat.status).toBe(409);
    for (const [k, client] of clients.slice(12).entries()) {
      await expectNoContent(await client.maskInput(syntheticUpdate(300, 12 + k)));
    }
    const request = await clients[0]!.fetchUnmaskRequest();
    expect(request).toEqual({ survivors: clients.map((c) => c.index), dropouts: [] });
    for (const client of clients.slice(0, 10)) await expectNoContent(await client.answerUnmask(request));

    await kill(server.child);
    server = await startAggregator(args);
    expect(server.logs.find((line) => line.msg === 'resumed the open round')).toMatchObject({
      status: 'unmask',
    });
    for (const client of clients.slice(10)) await expectNoContent(await client.answerUnmask(request));

    const model = parseMessage(
      'model-download',
      await (await fetch(`http://127.0.0.1:${port}/fl/v1/model`)).text(),
    );
    expect(model.model.version).toBe(1);
    expect(model.weights).toEqual(expectedFedAvgWeights(new Float32Array(300), clients));
    const stopped = once(server.child, 'exit');
    server.child.kill('SIGTERM');
    expect((await stopped)[0]).toBe(0);
  });
});
