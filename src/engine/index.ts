/**
 * The TensorFlow.js engine: picks a backend and registers the project's
 * kernels. Model code imports `tf` from here and calls `initEngine` once per
 * process before building tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export { tf };

/** Backends the engine can select. */
export type BackendName = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** Options of `initEngine`. */
export interface EngineOptions {
  /** Backend to use; `auto` takes the fastest that loads. Default `auto`. */
  backend?: BackendName;
}

/** What `initEngine` selected, recorded with every run. */
export interface EngineInfo {
  /** TensorFlow.js backend name as `tf.getBackend()` reports it. */
  backend: string;
  /** Versions of the TensorFlow.js packages in use. */
  versions: Record<string, string>;
  /** Notes on why faster backends were not used. */
  notes: string[];
}

let active: EngineInfo | undefined;

/**
 * Selects and initialises the backend. Safe to call more than once; later
 * calls return the first result.
 */
export async function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  if (active) return active;
  // TODO: replace with the full selection (tfjs-node, wasm with BLAS kernels).
  void options;
  await tf.setBackend('cpu');
  await tf.ready();
  active = { backend: tf.getBackend(), versions: { 'tfjs-core': tf.version_core }, notes: [] };
  return active;
}
