import * as tf from '@tensorflow/tfjs-core';
import { LocusError } from '../errors.js';
import type { BackendChoice, BackendName } from '../types.js';

export interface GpuAdapterInfo {
  architecture: string;
  vendor: string;
  isFallbackAdapter: boolean;
}

/**
 * A tfjs backend as data: how to load its module and how to tell whether this runtime can
 * run it. Nothing is imported until a backend is chosen, so unused backends cost no bytes.
 */
interface BackendSpec {
  load(assetsUrl: string | undefined): Promise<void>;
  usable(): Promise<boolean>;
}

interface GpuLike {
  requestAdapter(): Promise<{
    info?: { architecture?: string; vendor?: string; isFallbackAdapter?: boolean };
    isFallbackAdapter?: boolean;
  } | null>;
}

function gpu(): GpuLike | undefined {
  return (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
}

export async function gpuAdapterInfo(): Promise<GpuAdapterInfo | undefined> {
  const adapter = await gpu()
    ?.requestAdapter()
    .catch(() => null);
  if (!adapter) return undefined;
  return {
    architecture: adapter.info?.architecture ?? '',
    vendor: adapter.info?.vendor ?? '',
    isFallbackAdapter: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter),
  };
}

const BACKENDS: Record<BackendName, BackendSpec> = {
  webgpu: {
    load: async () => {
      await import('@tensorflow/tfjs-backend-webgpu');
    },
    // Ask for an adapter first: without one the tfjs factory fails after a long wait.
    usable: async () => (await gpuAdapterInfo()) !== undefined,
  },
  wasm: {
    load: async (assetsUrl) => {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Served beside locus.js; without a prefix tfjs looks next to the bundle (Node: the package).
      if (assetsUrl) wasm.setWasmPaths(new URL('wasm/', assetsUrl).href);
    },
    usable: async () => typeof WebAssembly === 'object',
  },
  webgl: {
    load: async () => {
      await import('@tensorflow/tfjs-backend-webgl');
    },
    usable: async () => typeof document !== 'undefined' || typeof OffscreenCanvas !== 'undefined',
  },
  cpu: {
    load: async () => {
      await import('@tensorflow/tfjs-backend-cpu');
    },
    usable: async () => true,
  },
};

/**
 * What 'auto' tries, in order. WebGPU is not in it: small scoring batches are bound by dispatch
 * latency (see ../shared/device/README.md) and on CPU-only machines it runs on SwiftShader,
 * 50-100x slower than WASM. Measured per-device choice is the CTR issue's calibration.
 */
const AUTO_ORDER: BackendName[] = ['wasm', 'webgl', 'cpu'];

/**
 * Makes a tfjs backend current. A forced backend that cannot start is an error; 'auto' falls
 * through its list. Returns the backend now in use.
 */
export async function activateBackend(
  choice: BackendChoice,
  assetsUrl: string | undefined,
): Promise<BackendName> {
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  const failures: string[] = [];
  for (const name of candidates) {
    const spec = BACKENDS[name];
    try {
      if (!(await spec.usable())) {
        failures.push(`${name}: not supported here`);
        continue;
      }
      await spec.load(assetsUrl);
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
      failures.push(`${name}: initialization failed`);
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new LocusError('backend-unavailable', `no usable tfjs backend (${failures.join('; ')})`);
}
