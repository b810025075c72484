import { CTR_MODEL_ID, ctrLayout, locusCtrShape } from '@locus/protocol';
import type { ProfileStore } from '../profile/store.js';
import { type CtrRuntime, GLOBAL_MODEL_ID } from '../scoring/ctr-runtime.js';
import { matureExamples } from '../scoring/learning.js';
import type { FederationReport, RoundStage } from '../types.js';
import { FlHttp, FlHttpError } from './http.js';
import { type GlobalModel, runFederatedRound } from './round-client.js';

export interface FederationOptions {
  url: string;
  /** Examples the device needs before it takes part (fewer say little, and cost a round). */
  minExamples: number;
  /** Local training for an update: plain SGD steps of this rate over the device's examples. */
  localSteps: number;
  localLearningRate: number;
  /** Transient failures (network, 5xx, 429) are retried this many times, with backoff. */
  retries: number;
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  sleep?: (ms: number) => Promise<void>;
  /** fl-worker.js (served beside locus.js): the round's crypto runs there, off the main thread. */
  workerUrl?: URL;
}

/**
 * Local SGD, not the Adam the device uses for its own model: Adam's first steps move every weight
 * by about ±lr whatever its gradient, so averaging many devices' updates becomes a vote of signs.
 * Measured in the simulation (`bench simulation`, MovieLens, 100 devices a round): local Adam
 * stalled at HR@10 0.44–0.46, local SGD at this rate reached 0.629 (central 0.648).
 */
export const DEFAULT_FEDERATION = { minExamples: 10, localSteps: 5, localLearningRate: 0.2, retries: 3 };

export interface FederationDeps {
  ctr: CtrRuntime;
  store(): Promise<ProfileStore | null>;
  /** Whether consent allows federation right now. */
  allowed(): boolean;
  /** The encoder width, once the encoder model is loaded (the model's shape depends on it). */
  dim(): number | undefined;
  onStage?(stage: RoundStage): void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The device's part in federated learning: eligibility (consent, enough local examples, a
 * loaded encoder), the round itself (runFederatedRound: only masked protocol messages leave),
 * local training against the downloaded global model, and adopting newer global models.
 */
export class Federation {
  private readonly http: FlHttp;

  constructor(
    private readonly options: FederationOptions,
    private readonly deps: FederationDeps,
  ) {
    this.http = new FlHttp(options.url, options.fetch);
  }

  async federate(): Promise<FederationReport> {
    if (!this.deps.allowed()) return { status: 'skipped', reason: 'no-consent' };
    const dim = this.deps.dim();
    if (!dim) return { status: 'skipped', reason: 'model-not-ready' };
    const store = await this.deps.store();
    if (!store) return { status: 'skipped', reason: 'no-storage' };
    const examples = matureExamples(await store.examples(), Date.now(), {
      maturityMs: 5 * 60_000,
      window: 512,
    });
    if (examples.length < this.options.minExamples) {
      return { status: 'skipped', reason: 'not-enough-data', examples: examples.length };
    }
    const sleep = this.options.sleep ?? realSleep;
    for (let attempt = 0; ; attempt++) {
      try {
        const round = {
          url: this.options.url,
          modelId: CTR_MODEL_ID,
          ...(this.deps.onStage ? { onStage: this.deps.onStage } : {}),
          computeUpdate: (global: GlobalModel) => this.localUpdate(global, dim, examples),
        };
        const workerUrl = this.options.workerUrl;
        const report =
          workerUrl && typeof Worker !== 'undefined'
            ? await (await import('./worker-client.js')).runRoundInWorker(workerUrl, round)
            : await runFederatedRound({
                ...round,
                sleep,
                ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
              });
        return report.status === 'completed'
          ? { ...report, examples: examples.length }
          : { status: report.status, reason: report.reason, bytesUploaded: report.bytesUploaded };
      } catch (err) {
        const transient = err instanceof FlHttpError && err.transient;
        if (!transient || attempt >= this.options.retries) {
          return { status: 'failed', reason: err instanceof Error ? err.message : String(err) };
        }
        await sleep(Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
    }
  }

  /** Δ = w_local − w_global: the global model trained on this device's examples. */
  private async localUpdate(
    global: GlobalModel,
    dim: number,
    examples: Parameters<typeof matureExamples>[0],
  ): Promise<Float32Array> {
    const shape = locusCtrShape(dim);
    const layout = ctrLayout(shape);
    if (global.layoutVersion !== layout.version || global.weights.length !== layout.total) {
      throw new FlHttpError(
        0,
        'incompatible_model',
        `the global model (layout ${global.layoutVersion}, ${global.weights.length} values) is not this encoder's (${layout.version}, ${layout.total})`,
      );
    }
    const ctr = await this.deps.ctr.start();
    const { batch } = new ctr.CtrExampleCodec(shape).decode(examples);
    return this.deps.ctr.exclusive(async () => {
      const local = ctr.DcnCtrModel.fromFlat(shape, global.weights, {
        version: global.version,
        training: { optimizer: 'sgd', learningRate: this.options.localLearningRate },
      });
      try {
        for (let step = 0; step < this.options.localSteps; step++) await local.trainStep(batch);
        const trained = local.toFlat();
        const update = new Float32Array(trained.length);
        for (let i = 0; i < update.length; i++) update[i] = trained[i]! - global.weights[i]!;
        return update;
      } finally {
        local.dispose();
      }
    });
  }

  /**
   * Adopts the aggregator's global model when it is newer than the one this device last took:
   * the local model restarts from it (local training then continues from there).
   */
  async syncGlobalModel(): Promise<number | undefined> {
    const dim = this.deps.dim();
    const store = await this.deps.store();
    if (!dim || !store) return undefined;
    const download = await this.http.get('/model', 'model-download');
    const layout = ctrLayout(locusCtrShape(dim));
    if (download.model.layoutVersion !== layout.version || download.weights.length !== layout.total)
      return undefined;
    const known = await store.modelWeights(GLOBAL_MODEL_ID);
    if (known && known.modelVersion >= download.model.version) return known.modelVersion;
    const weights = Float32Array.from(download.weights);
    const model = await this.deps.ctr.model(dim);
    await this.deps.ctr.exclusive(async () => model.setWeights(weights, download.model.version));
    await this.deps.ctr.save(model);
    await store.saveModelWeights({
      modelId: GLOBAL_MODEL_ID,
      weights,
      layoutVersion: layout.version,
      modelVersion: download.model.version,
      updatedAt: Date.now(),
    });
    return download.model.version;
  }
}
