import { LocusMovieLens, type LocusMovieLensOptions } from '../eval/locus-movielens.js';
import type { MovieLens } from '../eval/movielens.js';

export interface CentralResult {
  hr10: number;
  ndcg10: number;
  validationHr10: number;
  bestEpoch: number;
  epochs: number;
  parameters: number;
  seconds: number;
}

/**
 * The central baseline of the simulation, trained in the same run by the central evaluation's own
 * code (`LocusMovieLens.train`: all users' positives shuffled together, best epoch on validation)
 * with the model shape and the non-click sampling the federated clients use, so the comparison
 * differs only in where training happens.
 */
export async function trainCentral(
  data: MovieLens,
  vectors: Float32Array,
  model: Partial<LocusMovieLensOptions>,
  epochs: number,
  log: (message: string) => void = () => {},
): Promise<CentralResult> {
  const started = performance.now();
  const locus = new LocusMovieLens(data, vectors, {
    ...model,
    negativeExponent: 0,
    epochs,
    onEpoch: (epoch, loss, validation) =>
      log(
        `  central epoch ${epoch}/${epochs}: loss ${loss.toFixed(4)}, validation HR@10 ${validation.hr.toFixed(3)}`,
      ),
  });
  try {
    const { bestEpoch, validation } = await locus.train();
    const test = await locus.evaluate('test');
    log(
      `  central: test HR@10 ${test.hr.toFixed(3)} NDCG@10 ${test.ndcg.toFixed(3)} (best epoch ${bestEpoch})`,
    );
    return {
      hr10: test.hr,
      ndcg10: test.ndcg,
      validationHr10: validation.hr,
      bestEpoch,
      epochs,
      parameters: locus.model.parameterCount,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    locus.dispose();
  }
}
