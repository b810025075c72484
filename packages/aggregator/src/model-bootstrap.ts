import { readFileSync } from 'node:fs';
import { initialLocusCtrModel } from '@locus/protocol';
import type { Logger } from 'pino';
import { bytesToFloat32 } from './binary.js';
import type { RoundSettings } from './rounds/settings.js';
import { type Store, StoreError } from './store/index.js';

/**
 * Makes the store's model match the configured one before any round starts. Version 0 gets the
 * configured layout and initial weights (zeros or a raw little-endian float32 file) as long as
 * nothing was published; afterwards the published model is authoritative and a config for another
 * length or layout is refused, since updates computed for one layout mean nothing for another.
 */
export async function prepareModel(store: Store, settings: RoundSettings, logger: Logger): Promise<void> {
  const { length, layoutVersion, initialWeights } = settings.model;
  const current = await store.currentModel();
  if (current.version === 0) {
    const stored = current.hasWeights ? await store.modelWeights(0) : null;
    if (stored && stored.length === length && current.layoutVersion === layoutVersion) return;
    await store.initializeModel(layoutVersion, readInitialWeights(settings.model));
    logger.info({ length, layoutVersion, initialWeights }, 'initialized model version 0');
    return;
  }
  const weights = await store.modelWeights(current.version);
  if (current.layoutVersion !== layoutVersion || weights?.length !== length) {
    throw new StoreError(
      `the database holds model version ${current.version} with layout ${current.layoutVersion} and ` +
        `${weights?.length ?? 0} parameters, but the config says layout ${layoutVersion} with ${length}: ` +
        'use a new database (--db) to train another layout',
    );
  }
}

function readInitialWeights({
  initialWeights: source,
  length,
  textDim,
}: RoundSettings['model']): Float32Array {
  if (source === 'zeros') return new Float32Array(length);
  if (source === 'locus-prior') {
    if (textDim === undefined)
      throw new StoreError('locus-prior initial weights need the encoder width (--text-dim)');
    return initialLocusCtrModel(textDim).weights;
  }
  const weights = bytesToFloat32(readFileSync(source));
  if (weights.length !== length) {
    throw new StoreError(`initial weights file ${source} has ${weights.length} values, not ${length}`);
  }
  if (!weights.every(Number.isFinite))
    throw new StoreError(`initial weights file ${source} has non-finite values`);
  return weights;
}
