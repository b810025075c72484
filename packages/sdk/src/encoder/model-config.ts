/** The config.json fields Locus reads to decide how to run a model. */
export interface ModelConfig {
  hidden_size?: number;
  vocab_size?: number;
  num_hidden_layers?: number;
  max_position_embeddings?: number;
  /** Written by @locus/models: a digest of the built files. */
  locus?: { artefacts_sha256?: string };
}

/**
 * An id for the vector space a model produces: model, dtype and, when the files carry one,
 * their digest — so a rebuilt model never reuses embeddings or interests cached for the old one.
 */
export function encoderId(model: string, dtype: string, config: ModelConfig): string {
  const digest = config.locus?.artefacts_sha256?.slice(0, 12);
  return digest ? `${model}|${dtype}|${digest}` : `${model}|${dtype}`;
}

/** A model whose vectors depend on each token alone (no attention layers): plain JS runs it. */
export function isLookupModel(config: ModelConfig): boolean {
  return config.num_hidden_layers === 0;
}
