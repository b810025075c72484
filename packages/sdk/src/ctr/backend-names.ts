import type { BackendChoice } from '../types.js';

/** Kept apart from backends.ts so validating a config does not load tfjs. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

export function isBackendChoice(value: unknown): value is BackendChoice {
  return value === 'auto' || (BACKEND_NAMES as readonly unknown[]).includes(value);
}
