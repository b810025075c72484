// The browser's runtime on the built graphs: onnxruntime-web (the copy transformers.js ships, wasm
// backend, which also runs in Node) must give what onnxruntime-node gives, for every model and dtype,
// with padding in the batch. WebGPU is checked in Chromium by the SDK's end-to-end tests.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltModel, buildAll } from './build.js';
import { ONNX_FILES, PRECISIONS } from './onnx.js';

interface OrtLike {
  Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => unknown;
  InferenceSession: {
    create(
      bytes: Uint8Array,
      options?: Record<string, unknown>,
    ): Promise<{
      run(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array }>>;
    }>;
  };
  env?: { wasm: { numThreads: number; wasmPaths: string } };
}

/** onnxruntime-web and -node as transformers.js resolves them (they are its dependencies, not ours). */
async function runtimes(): Promise<{ web: OrtLike; node: OrtLike }> {
  const fromHere = createRequire(import.meta.url);
  const fromTransformers = createRequire(fromHere.resolve('@huggingface/transformers'));
  const webDist = dirname(fromTransformers.resolve('onnxruntime-web'));
  const web = (await import(pathToFileURL(join(webDist, 'ort.wasm.min.mjs')).href)) as OrtLike;
  web.env!.wasm.numThreads = 1;
  web.env!.wasm.wasmPaths = `${webDist}/`;
  const node = (await import(pathToFileURL(fromTransformers.resolve('onnxruntime-node')).href)) as OrtLike;
  return { web, node };
}

const root = mkdtempSync(join(tmpdir(), 'locus-models-ortweb-'));
let built: BuiltModel[];
let ort: { web: OrtLike; node: OrtLike };
beforeAll(async () => {
  built = await buildAll(root);
  ort = await runtimes();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('onnxruntime-web (wasm) agrees with onnxruntime-node', () => {
  // Two rows: [CLS] three words [SEP] / [CLS] one word [SEP] [PAD] [PAD].
  const ids = [2, 1000, 2000, 3000, 3, 2, 500, 3, 0, 0].map(BigInt);
  const mask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0].map(BigInt);
  it.each(PRECISIONS)('%s', async (dtype) => {
    for (const m of built) {
      const bytes = readFileSync(join(m.dir, ONNX_FILES[dtype]));
      const out = async (rt: OrtLike, options?: Record<string, unknown>) => {
        const session = await rt.InferenceSession.create(bytes, options);
        const feeds = {
          input_ids: new rt.Tensor('int64', BigInt64Array.from(ids), [2, 5]),
          attention_mask: new rt.Tensor('int64', BigInt64Array.from(mask), [2, 5]),
        };
        return (await session.run(feeds)).last_hidden_state!.data;
      };
      const web = await out(ort.web, { executionProviders: ['wasm'] });
      const node = await out(ort.node);
      expect(web.length, m.id).toBe(node.length);
      let max = 0;
      for (let i = 0; i < web.length; i++) max = Math.max(max, Math.abs(web[i]! - node[i]!));
      expect(max, `${m.id} ${dtype}`).toBeLessThan(1e-5);
    }
  });
});
