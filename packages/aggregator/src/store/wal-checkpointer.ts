import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints a WAL database from a worker thread with its own connection, so the request path
 * never does. A checkpoint copies the WAL back into the database file and fsyncs both (with
 * synchronous=NORMAL these are the only fsyncs): tens of ms of waiting for the disk that SQLite's
 * automatic checkpoint would otherwise put inside whichever commit crosses the WAL size limit,
 * about once per 25 masked inputs. Durability does not change: a commit is durable once it is in
 * the WAL, checkpointed or not, and a PASSIVE checkpoint never blocks the writer.
 *
 * The worker runs plain JavaScript (eval), so it works the same from source (tests) and from dist.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('synchronous = NORMAL');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)')[0].checkpointed;
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'checkpoint') return parentPort.postMessage({ checkpointed: checkpoint() });
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

export interface WalCheckpointerOptions {
  /** How often the worker checkpoints (a no-op when the WAL has nothing new). */
  intervalMs: number;
  /** Called once if the worker fails, so the caller can fall back to automatic checkpoints. */
  onFailure: (error: Error) => void;
}

export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #failed = false;
  #running = true;
  /** Callers of checkpoint() waiting for the worker's answer. */
  #waiting: ((checkpointedPages: number) => void)[] = [];

  private constructor(worker: Worker, onFailure: (error: Error) => void) {
    this.#worker = worker;
    const fail = (error: Error) => {
      if (this.#failed) return;
      this.#failed = true;
      onFailure(error);
    };
    worker.on('error', fail);
    worker.on('message', (message: { checkpointed: number }) => {
      for (const resolve of this.#waiting.splice(0)) resolve(message.checkpointed);
    });
    this.#exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        this.#running = false;
        if (code !== 0) fail(new Error(`the checkpoint worker exited with code ${code}`));
        for (const resolve of this.#waiting.splice(0)) resolve(0);
        resolve();
      });
    });
    // An unclosed store must not keep the process alive.
    worker.unref();
  }

  static start(path: string, options: WalCheckpointerOptions): WalCheckpointer {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, driver: driverPath, intervalMs: options.intervalMs },
    });
    return new WalCheckpointer(worker, options.onFailure);
  }

  /** Checkpoints now; resolves with the pages copied into the database (0 once stopped). */
  checkpoint(): Promise<number> {
    if (!this.#running) return Promise.resolve(0);
    this.#worker.ref();
    return new Promise<number>((resolve) => {
      this.#waiting.push(resolve);
      this.#worker.postMessage('checkpoint');
    }).finally(() => this.#worker.unref());
  }

  /** Stops the timer, closes the worker's connection and waits for the thread to end. */
  async stop(): Promise<void> {
    // Referenced again while we wait, or a process with nothing else to do would exit meanwhile.
    this.#worker.ref();
    this.#worker.postMessage('stop');
    await this.#exited;
  }
}
