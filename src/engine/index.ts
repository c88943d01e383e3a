/**
 * The TensorFlow.js engine: picks a backend and registers the project's
 * kernels. Model code imports `tf` from here and calls `initEngine` once per
 * process before building tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node entry registers no gradients, and its ESM register
// module cannot load in Node (directory imports). The umbrella package's
// Node bundle (4.22) registers all of them on the same tfjs-core instance.
import '@tensorflow/tfjs';
import { loadBlas, type Blas, type BlasLoadResult } from './blas/load-blas.js';
import {
  registerCpuBlasKernels,
  unregisterCpuBlasKernels,
} from './kernels/register-cpu.js';
import {
  CPU_JS_KERNELS,
  registerCpuJsKernels,
  unregisterCpuJsKernels,
} from './kernels/register-cpu-js.js';
import {
  registerWasmJsKernels,
  registerWasmBlasKernels,
  unregisterWasmBlasKernels,
} from './kernels/register-wasm.js';
import {
  importNative,
  NATIVE_BACKENDS,
  requestedBackend,
} from './select-backend.js';

export { tf };
import { setItemSoftmaxBlas } from './ops/softmax-cross-entropy.js';
export {
  fusedItemSoftmaxAvailable,
  fusedItemSoftmaxLoss,
  softmaxCrossEntropyOverItems,
  type FusedLossOptions,
  type FusedLossReference,
} from './ops/softmax-cross-entropy.js';
export { dropout, seedDropout } from './ops/dropout.js';
export { layerNormLastAxis } from './ops/layer-norm.js';
export { diagnoseEngine } from './diagnose.js';

/** Backends the engine can select. */
export type BackendName = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** Options of `initEngine`. */
export interface EngineOptions {
  /**
   * Backend to use; `auto` takes the fastest that loads. The environment
   * variable DISTILLERY_BACKEND applies when this is unset. Default `auto`.
   */
  backend?: BackendName;
  /**
   * Whether to register native BLAS kernels. `false` forces the stock
   * kernels, as does DISTILLERY_BLAS=off. Default true.
   */
  blas?: boolean;
  /** BLAS library to load instead of searching (DISTILLERY_BLAS_PATH). */
  blasPath?: string;
  /**
   * Threads for BLAS (DISTILLERY_BLAS_THREADS). Default: the cores this
   * process may use, `os.availableParallelism()`.
   */
  threads?: number;
}

/** The backend and kernels `initEngine` selected, recorded with every run. */
export interface EngineInfo {
  /** TensorFlow.js backend name as `tf.getBackend()` reports it. */
  backend: string;
  /** Versions of the TensorFlow.js packages in use. */
  versions: Record<string, string>;
  /** Notes on why faster backends were not used. */
  notes: string[];
  /** Whether native BLAS kernels are registered on the active backend. */
  blas: boolean;
  /** Path of the BLAS library in use, when `blas` is true. */
  blasPath?: string;
  /** Threads BLAS runs on; 1 when BLAS is off (the JS kernels use one). */
  threads: number;
  /** Kernels the engine replaced on the active backend. */
  kernels: string[];
}

/**
 * The CPU backend that `auto` takes when no TensorFlow C backend loads.
 * With BLAS products and the fused loss and LayerNorm, the main pipeline
 * with short epoch counts took 73 s on `wasm` and 133 s on `cpu` (2
 * cores): XNNPACK's element-wise kernels beat plain JS loops. The large
 * arrays of the full-softmax loss live outside the 4 GB wasm heap.
 */
const AUTO_CPU_BACKEND: 'cpu' | 'wasm' = 'wasm';

let active: EngineInfo | undefined;
let lastBlasResult: BlasLoadResult | undefined;

/**
 * Selects and initialises the backend. Safe to call more than once; later
 * calls return the first result until `resetEngine`.
 */
export async function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  if (active) return active;
  const requested = requestedBackend(options.backend);
  const notes: string[] = [];
  const native = await tryNativeBackends(requested, notes);
  active = native ?? (await initCpuFamily(requested, options, notes));
  return active;
}

async function tryNativeBackends(
  requested: BackendName,
  notes: string[],
): Promise<EngineInfo | undefined> {
  for (const candidate of NATIVE_BACKENDS) {
    if (requested !== 'auto' && requested !== candidate.name) continue;
    const loaded = await importNative(candidate.module);
    if (loaded.ok && (await tf.setBackend(candidate.name))) {
      await tf.ready();
      return describe(candidate.name, notes, undefined, []);
    }
    const why = loaded.ok
      ? `\`${candidate.module}\` loaded but its backend did not initialise`
      : loaded.message;
    if (requested === candidate.name) {
      throw new Error(
        `Backend \`${candidate.name}\` is unavailable: ${why}. Install ` +
          `it with \`npm install ${candidate.module}\` or pick another ` +
          `backend with DISTILLERY_BACKEND.`,
      );
    }
    notes.push(`${candidate.name}: ${why}`);
  }

  return undefined;
}

async function initCpuFamily(
  requested: BackendName,
  options: EngineOptions,
  notes: string[],
): Promise<EngineInfo> {
  const backend = requested === 'auto' ? AUTO_CPU_BACKEND : requested;
  if (backend !== 'cpu' && backend !== 'wasm') {
    throw new Error(`Internal error: \`${backend}\` reached the CPU path`);
  }
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backend))) {
    throw new Error(`Internal error: backend \`${backend}\` did not start`);
  }
  await tf.ready();
  silenceNodeAdvice(backend);
  const kernels: string[] = [];
  if (backend === 'cpu') {
    registerCpuJsKernels();
    kernels.push(...CPU_JS_KERNELS);
  } else {
    registerWasmJsKernels();
    kernels.push('UnsortedSegmentSum', 'GatherV2', 'Identity');
  }

  lastBlasResult = await loadBlas(blasOptions(options));
  if (!lastBlasResult.ok) {
    notes.push(`BLAS kernels off: ${lastBlasResult.message}`);
    return describe(backend, notes, undefined, kernels);
  }

  const blas = lastBlasResult.blas;
  kernels.push(...registerBlasKernels(backend, blas));
  return describe(backend, notes, blas, kernels);
}

// tfjs-backend-cpu 4.22 prints advice to install tfjs-node on its first
// write in Node. The engine reports that choice through `notes` and
// `diagnoseEngine` instead, and library code must not print.
function silenceNodeAdvice(backend: 'cpu' | 'wasm'): void {
  if (backend !== 'cpu') return;
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
}

function blasOptions(options: EngineOptions): {
  disabled: boolean;
  path?: string;
  threads?: number;
} {
  const environment = process.env;
  const off = ['off', '0', 'false', 'none'];
  const disabled =
    options.blas === false ||
    off.includes((environment.DISTILLERY_BLAS ?? '').toLowerCase());
  const threadText = environment.DISTILLERY_BLAS_THREADS;
  const threads = options.threads ?? (threadText ? Number(threadText) : undefined);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
    throw new Error(
      `BLAS threads must be a positive integer, received \`${threadText ?? threads}\`. ` +
        'Fix DISTILLERY_BLAS_THREADS or the `threads` option.',
    );
  }
  const path = options.blasPath ?? environment.DISTILLERY_BLAS_PATH;
  return { disabled, path, threads };
}

function registerBlasKernels(backend: 'cpu' | 'wasm', blas: Blas): string[] {
  setItemSoftmaxBlas(blas);
  if (backend === 'wasm') {
    registerWasmBlasKernels(blas);
    return ['BatchMatMul', 'softmaxCrossEntropyOverItems'];
  }
  registerCpuBlasKernels(blas);
  return ['BatchMatMul', '_FusedMatMul', 'softmaxCrossEntropyOverItems'];
}

function describe(
  backend: string,
  notes: string[],
  blas: Blas | undefined,
  kernels: string[],
): EngineInfo {
  const versions: Record<string, string> = { 'tfjs-core': tf.version_core };
  return {
    backend: tf.getBackend(),
    versions,
    notes,
    blas: blas !== undefined,
    blasPath: blas?.path,
    threads: blas?.threads || 1,
    kernels,
  };
}

/**
 * Returns the engine state chosen by `initEngine`, or undefined before it
 * ran. `diagnoseEngine` uses it to explain the choice.
 */
export function engineState(): {
  info?: EngineInfo;
  blasResult?: BlasLoadResult;
} {
  return { info: active, blasResult: lastBlasResult };
}

/**
 * Restores the stock kernels and clears the selection, so the next
 * `initEngine` selects again. Meant for tests that compare both paths.
 */
export function resetEngine(): void {
  unregisterCpuBlasKernels();
  unregisterCpuJsKernels();
  unregisterWasmBlasKernels();
  setItemSoftmaxBlas(undefined);
  active = undefined;
  lastBlasResult = undefined;
}
