import type { EncoderDtype } from '../types.js';
import { LookupEncoder } from './lookup-encoder.js';
import { encoderId, isLookupModel, type ModelConfig } from './model-config.js';
import { modelSource } from './model-files.js';
import type { DownloadProgress, Encoder } from './types.js';

export type EncoderDevice = 'wasm' | 'webgpu' | 'cpu';

export interface EncoderSpec {
  model: string;
  dtype: EncoderDtype;
  /** Folder of model folders: a URL (browser) or a filesystem path (Node). */
  baseUrl: string;
  /** onnxruntime-web's wasm folder (browser, transformers.js path only). */
  ortWasmUrl?: string;
  /** Where transformers.js runs the model; per-token models ignore it (plain JS). */
  device: EncoderDevice;
  /** config.json when the caller already read it (saves a fetch). */
  config?: ModelConfig;
}

export interface LoadedEncoder {
  encoder: Encoder;
  /** 'lookup': plain JS, no ONNX runtime; 'transformers': transformers.js on `device`. */
  runtime: 'lookup' | 'transformers';
  device: EncoderDevice | 'js';
}

/**
 * Loads a model through one path whatever it is: config.json says whether it is a per-token
 * model (run in plain JS) or a transformer (transformers.js, loaded only then).
 */
export async function loadEncoder(
  spec: EncoderSpec,
  onProgress?: (progress: DownloadProgress) => void,
): Promise<LoadedEncoder> {
  const source = modelSource(spec.baseUrl, spec.model);
  const config = spec.config ?? (await source.json<ModelConfig>('config.json'));
  if (isLookupModel(config)) {
    const encoder = await LookupEncoder.load(spec.model, spec.dtype, source, onProgress, config);
    return { encoder, runtime: 'lookup', device: 'js' };
  }
  const { createTransformersEncoder } = await import('./transformers.js');
  const encoder = await createTransformersEncoder({
    model: spec.model,
    dtype: spec.dtype,
    baseUrl: spec.baseUrl,
    device: spec.device,
    id: encoderId(spec.model, spec.dtype, config),
    ...(spec.ortWasmUrl ? { ortWasmUrl: spec.ortWasmUrl } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  return { encoder, runtime: 'transformers', device: spec.device };
}
