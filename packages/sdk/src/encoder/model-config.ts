/** The config.json fields Locus reads to decide how to run a model. */
export interface ModelConfig {
  hidden_size?: number;
  vocab_size?: number;
  num_hidden_layers?: number;
  max_position_embeddings?: number;
}

/** A model whose vectors depend on each token alone (no attention layers): plain JS runs it. */
export function isLookupModel(config: ModelConfig): boolean {
  return config.num_hidden_layers === 0;
}
