// Model card (README.md) of locus-tiny-bert, computed by the build and from committed measurements.
import type { BuiltFile } from '../artefacts.js';
import { filesTable, measuredSections } from '../card-measured.js';
import { GLOVE_LICENCE, probeSection, usageSnippet } from '../card-probe.js';
import type { ModelMeasurements } from '../eval/measurements.js';
import type { Precision } from '../onnx.js';
import { MASK_BIAS, Q4_BLOCK_SIZE, TINY_BERT_OPSET } from './graph.js';
import type { TinyBertConfig } from './weights.js';

export interface TinyBertCardInput {
  id: string;
  config: TinyBertConfig;
  vocabSize: number;
  sizes: BuiltFile[];
  probe: number[][];
  precisions: Precision[];
  fingerprint: string;
  measurements: ModelMeasurements | undefined;
}

export function tinyBertCard(c: TinyBertCardInput): string {
  const k = c.config;
  const hd = k.hidden / k.heads;
  const posEnd = k.hidden - 2;
  const vs = c.measurements?.fingerprint === c.fingerprint ? c.measurements.versusDefault : undefined;
  return `---
license: pddl
language: en
library_name: transformers.js
pipeline_tag: feature-extraction
tags: [feature-extraction, bert, onnx, untrained, locus]
---

# ${c.id}

**Not trained.** A ${k.layers}-layer transformer encoder (BERT layout, hidden ${k.hidden}, ${k.heads} heads of ${hd},
feed-forward ${k.intermediate}) whose token embeddings are the locus-glove-sif word table and whose layers
are initialized to the identity plus a small, deterministic, well-conditioned perturbation. Its
mean-pooled output therefore stays close to the locus-glove-sif sentence embedding${vs ? ` (mean cosine ${vs.meanCosine.toFixed(3)} over ${vs.texts.toLocaleString('en-US')} texts, word dims)` : ''}, and its quality is
about that model's (below), no better. It exists to exercise the transformer path end to end — real
multi-head self-attention with the padding mask, softmax, GELU (Erf), LayerNormalization, residuals,
position embeddings, and the q8 / q4 MatMul kernels — in transformers.js on CPU, WASM and WebGPU, with
files small enough to ship in tests. Use a trained sentence encoder (e.g. a MiniLM-class model) when
quality matters.

${usageSnippet(c.id, k.hidden)}

Inputs: \`input_ids\` and \`attention_mask\` (int64 [batch, sequence]); **no \`token_type_ids\`**
(transformers.js only sends inputs the session declares). Output: \`last_hidden_state\` (float
[batch, sequence, ${k.hidden}]). Pool with \`pooling: 'mean', normalize: true\`; the tokenizer is
locus-glove-sif's (same vocabulary, ${c.vocabSize.toLocaleString('en-US')} tokens, max length 512).

## Files

${filesTable(c.sizes)}

dtype → file (transformers.js): \`fp32\` → \`onnx/model.onnx\`, \`q8\` → \`onnx/model_quantized.onnx\`${c.precisions.includes('q4') ? ', `q4` → `onnx/model_q4.onnx`' : ''}.

## Architecture (ONNX opset ${TINY_BERT_OPSET})

- **Embeddings**: the ${k.wordDim}-d locus-glove-sif row of each token (fp32, or the same per-row q8 / q4
  table as that model, dequantized in the graph), zero-padded to ${k.hidden} (\`Pad\`), plus a position row
  (\`Slice\` of a [${k.maxPositions}, ${k.hidden}] table). No embedding LayerNorm and no token-type embeddings.
- **Layers** (pre-LayerNorm, as in GPT-2 and Xiong et al. 2020): x += Attention(LN(x)); x += FFN(LN(x)).
  Attention: Q, K, V projections (MatMul + bias), Reshape/Transpose to [batch, ${k.heads}, seq, ${hd}],
  Q·Kᵀ/√${hd} + mask bias (${MASK_BIAS} on padding keys), Softmax, ·V, output projection. FFN: ${k.hidden} → ${k.intermediate}
  → ${k.hidden} with exact GELU (x · ½(1 + Erf(x/√2))). LayerNormalization ε = ${k.layerNormEps}.
- **No final LayerNorm**: it would rescale every token to the same norm and undo the word table's SIF
  weighting; \`last_hidden_state\` is the residual stream.
- **q8**: every weight MatMul becomes DynamicQuantizeLinear (uint8 activations, one scale per tensor)
  + MatMulInteger with int8 weights (one scale per output column, zero point 0), then Cast and two Muls;
  activation × activation MatMuls (Q·Kᵀ, probabilities·V) stay float, as in onnxruntime's dynamic
  quantization.${c.precisions.includes('q4') ? ` **q4**: every weight MatMul becomes com.microsoft MatMulNBits (bits 4, block ${Q4_BLOCK_SIZE}, one float scale per block, default zero point 8).` : ''}

## Initialization (deterministic, no training)

- Residual stream: dims 0–${k.wordDim - 1} hold the word row, dims ${k.wordDim}–${posEnd - 1} sinusoidal positions
  (${(posEnd - k.wordDim) / 2} frequencies, amplitude ${k.positionScale}), dims ${posEnd}–${k.hidden - 1} a constant anchor (+${k.anchor}/√2, −${k.anchor}/√2 on every
  position row). With the anchor, LayerNorm's output for a token is roughly proportional to its word row
  (frequent words, which SIF shrinks, stay small) instead of every token being rescaled to the same norm;
  its two signs add nothing to LayerNorm's mean. The last layer's output bias removes it.
- Projections are randomized Hadamard matrices (Sylvester Hadamard with seeded sign flips: orthogonal,
  condition number 1). Q = K = ${k.attentionScale} · R·LN(x), so heads compare tokens in a rotated basis;
  V = R'·LN(x) and the output projection is ${k.attentionOut} · R'ᵀ restricted to the word dims, so each head
  returns ${k.attentionOut} × an attention-weighted average of the normalized tokens.
- FFN: W1 = four stacked rotations (${k.hidden} × ${k.intermediate}), W2 = ${k.ffnOut}/2 · W1ᵀ restricted to the word dims with its
  column sums projected to zero (GELU's even part is ≥ 0 for every unit, and with zero column sums no
  such positive offset can add one fixed direction to every token); b1 = 0.
- So each layer is x + O(${k.attentionOut}) · (context average) + O(${k.ffnOut}) · (a GELU-curved copy of the token).
  The exact forward pass is specified in TypeScript (\`src/tiny-bert/reference.ts\`); the tests check
  the ONNX fp32 output against it and the q8 / q4 outputs against fp32.

${measuredSections(c.id, c.fingerprint, c.measurements)}
${probeSection({ fp32: c.probe })}
## Limitations

- Untrained: it knows no more than the word table it starts from; word order has almost no effect.
- The perturbation adds a little shared signal to long texts: compare the demo's cross-topic cosine
  above with locus-glove-sif's card.
- English only, the lowercase ASCII vocabulary of locus-glove-sif; text with no known word still gets
  a (position-only) vector.

## Licence and attribution

${GLOVE_LICENCE}
- Method: S. Arora, Y. Liang, T. Ma, ICLR 2017 (SIF); J. Devlin et al., NAACL 2019 (BERT layout);
  R. Xiong et al., ICML 2020 (pre-LayerNorm transformers).
`;
}
