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

/**
 * Texts/s of the Locus encoder (loadEncoder, in this page's main thread) against a bare
 * transformers.js pipeline on the same model files and texts, on wasm and on WebGPU, all
 * interleaved in one run; then the embedding cache's hit path against a warm miss and a cold
 * (freshly loaded) encoder.
 */
export async function runEncoderBench(options: EncoderBenchOptions): Promise<EncoderBenchResult> {
  configureTransformers(options.paths);
  const { model, dtype, texts } = options;
  const gpuTexts = texts.slice(0, options.webgpuTexts);
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

  const wasmVariants: Variant[] = [
    { name: 'locus', run: () => locus.encoder.embed(texts) },
    { name: 'bare-wasm', run: () => bareEmbed(bareWasm, texts) },
  ];
  const wasmTimes = await interleave(wasmVariants, options);
  samples.push(
    { variant: 'locus', backend: `${locusWhere}, Chromium`, items: texts.length, times: wasmTimes.locus! },
    {
      variant: 'bare-wasm',
      backend: 'wasm (onnxruntime-web), Chromium',
      items: texts.length,
      times: wasmTimes['bare-wasm']!,
    },
  );

  const webgpu: EncoderBenchResult['webgpu'] = { adapter: await adapterName() };
  if (webgpu.adapter) {
    try {
      const bareGpu = await pipeline('feature-extraction', model, { dtype, device: 'webgpu' });
      const gpuVariants: Variant[] = [{ name: 'bare-webgpu', run: () => bareEmbed(bareGpu, gpuTexts) }];
      let locusGpu: Encoder | undefined;
      if (!lookup) {
        locusGpu = (await loadEncoder(locusSpec(options, 'webgpu'))).encoder;
        const encoder = locusGpu;
        gpuVariants.unshift({ name: 'locus-webgpu', run: () => encoder.embed(gpuTexts) });
      } else {
        // The lookup encoder has no GPU path: time it on the same small batch for the ratio.
        gpuVariants.unshift({ name: 'locus-small', run: () => locus.encoder.embed(gpuTexts) });
      }
      const oursSmall = flatten(await (locusGpu ?? locus.encoder).embed(gpuTexts));
      agreement.push({
        against: 'bare pipeline (webgpu)',
        maxAbsDiff: maxAbsDiff(oursSmall, await bareEmbed(bareGpu, gpuTexts)),
      });
      const gpuTimes = await interleave(gpuVariants, {
        warmup: Math.min(options.warmup, 1),
        iterations: options.webgpuIterations,
      });
      const where = `webgpu (${webgpu.adapter}), Chromium`;
      for (const variant of gpuVariants) {
        const backend =
          variant.name === 'locus-small'
            ? `${locusWhere}, Chromium`
            : variant.name === 'locus-webgpu'
              ? `${where}, Locus`
              : where;
        samples.push({
          variant: variant.name,
          backend,
          items: gpuTexts.length,
          times: gpuTimes[variant.name]!,
        });
      }
      await locusGpu?.dispose();
      await bareGpu.dispose();
    } catch (err) {
      webgpu.error = errorMessage(err);
    }
  } else {
    webgpu.error = 'no WebGPU adapter in this browser';
  }

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
