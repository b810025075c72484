import { env, pipeline } from '@huggingface/transformers';
import { CachedEncoder, type Encoder, type EncoderDevice, loadEncoder } from '@locus/sdk/encoder';
import type { EncoderBenchOptions, EncoderBenchResult, ServedPaths, TimedSample } from './protocol.js';
import { errorMessage, flatten, interleave, maxAbsDiff, type Variant } from './timing.js';

type Extractor = Awaited<ReturnType<typeof pipeline<'feature-extraction'>>>;

/** transformers.js reads its models and ONNX Runtime from the bench server only. */
function configureTransformers(paths: ServedPaths): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = paths.models;
  const wasm = env.backends.onnx.wasm;
  if (!wasm) throw new Error('transformers.js has no onnx wasm settings');
  wasm.wasmPaths = {
    mjs: new URL(`${paths.ort}ort-wasm-simd-threaded.asyncify.mjs`, location.href).href,
    wasm: new URL(`${paths.ort}ort-wasm-simd-threaded.asyncify.wasm`, location.href).href,
  };
}

async function bareEmbed(extract: Extractor, texts: string[]): Promise<Float32Array> {
  const output = await extract(texts, { pooling: 'mean', normalize: true });
  const data = output.data as Float32Array;
  output.dispose();
  return data;
}

async function adapterName(): Promise<string | null> {
  const gpu = (
    navigator as { gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string } } | null> } }
  ).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  return adapter ? adapter.info?.architecture || 'unknown adapter' : null;
}

function locusSpec(options: EncoderBenchOptions, device: EncoderDevice) {
  const { paths, model, dtype } = options;
  return { model, dtype, device, baseUrl: paths.models, ortWasmUrl: paths.ort };
}

type Timed = Variant & { backend: string; items: number };

/**
 * Texts/s of the Locus encoder (loadEncoder, in this page's main thread) against a bare
 * transformers.js pipeline on the same model files and texts, on wasm and on WebGPU, all
 * interleaved in one run; then the embedding cache's hit path against a warm miss and a cold
 * (freshly loaded) encoder.
 */
export async function runEncoderBench(options: EncoderBenchOptions): Promise<EncoderBenchResult> {
  configureTransformers(options.paths);
  const { model, dtype, texts } = options;
  const samples: TimedSample[] = [];
  const agreement: EncoderBenchResult['agreement'] = [];

  // Everything on wasm first: a WebGPU session that fails to start poisons later sessions.
  const locus = await loadEncoder(locusSpec(options, 'wasm'));
  const lookup = locus.runtime === 'lookup';
  const locusWhere = lookup ? 'plain JS (Locus lookup), main thread' : 'wasm (transformers.js in Locus)';
  const bareWasm = await pipeline('feature-extraction', model, { dtype, device: 'wasm' });
  const ours = flatten(await locus.encoder.embed(texts));
  agreement.push({
    against: 'bare pipeline (wasm)',
    maxAbsDiff: maxAbsDiff(ours, await bareEmbed(bareWasm, texts)),
  });
  const variants: Timed[] = [
    {
      name: 'locus',
      backend: `${locusWhere}, Chromium`,
      items: texts.length,
      run: () => locus.encoder.embed(texts),
    },
    {
      name: 'bare-wasm',
      backend: 'wasm (onnxruntime-web), Chromium',
      items: texts.length,
      run: () => bareEmbed(bareWasm, texts),
    },
  ];

  const webgpu: EncoderBenchResult['webgpu'] = { adapter: await adapterName() };
  let bareGpu: Extractor | undefined;
  let locusGpu: Encoder | undefined;
  if (webgpu.adapter) {
    try {
      // A transformer on SwiftShader takes seconds per batch: it gets a smaller one (reported).
      const gpuTexts = lookup ? texts : texts.slice(0, options.webgpuTexts);
      const where = `webgpu (${webgpu.adapter}), Chromium`;
      const gpu = await pipeline('feature-extraction', model, { dtype, device: 'webgpu' });
      bareGpu = gpu;
      if (!lookup) {
        const encoder = (await loadEncoder(locusSpec(options, 'webgpu'))).encoder;
        locusGpu = encoder;
        variants.push({
          name: 'locus-webgpu',
          backend: `${where}, Locus`,
          items: gpuTexts.length,
          run: () => encoder.embed(gpuTexts),
        });
      }
      variants.push({
        name: 'bare-webgpu',
        backend: where,
        items: gpuTexts.length,
        run: () => bareEmbed(gpu, gpuTexts),
      });
      agreement.push({
        against: 'bare pipeline (webgpu)',
        maxAbsDiff: maxAbsDiff(
          flatten(await (locusGpu ?? locus.encoder).embed(gpuTexts)),
          await bareEmbed(gpu, gpuTexts),
        ),
      });
    } catch (err) {
      webgpu.error = errorMessage(err);
    }
  } else {
    webgpu.error = 'no WebGPU adapter in this browser';
  }

  const times = await interleave(variants, options);
  for (const { name, backend, items } of variants)
    samples.push({ variant: name, backend, items, times: times[name]! });
  await locusGpu?.dispose();
  await bareGpu?.dispose();

  // Cache: a hit (every text in memory) vs a warm miss (model loaded, empty cache) vs cold.
  const cached = new CachedEncoder(locus.encoder, null, () => {});
  await cached.embed(texts);
  const cacheTimes = await interleave(
    [
      { name: 'hit', run: () => cached.embed(texts), repeat: 100 },
      { name: 'miss', run: () => new CachedEncoder(locus.encoder, null, () => {}).embed(texts) },
    ],
    options,
  );
  const cold: number[] = [];
  for (let i = 0; i < Math.min(options.iterations, 5); i++) {
    const start = performance.now();
    const fresh = await loadEncoder(locusSpec(options, 'wasm'));
    await new CachedEncoder(fresh.encoder, null, () => {}).embed(texts);
    cold.push(performance.now() - start);
    await fresh.encoder.dispose();
  }
  const where = `${locusWhere}, Chromium`;
  samples.push(
    { variant: 'cache-hit', backend: where, items: texts.length, times: cacheTimes.hit! },
    { variant: 'cache-miss', backend: where, items: texts.length, times: cacheTimes.miss! },
    { variant: 'cache-cold', backend: where, items: texts.length, times: cold },
  );

  await bareWasm.dispose();
  await locus.encoder.dispose();
  return { runtime: locus.runtime, samples, agreement, webgpu };
}
