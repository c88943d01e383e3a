/**
 * Loads the WebAssembly SIMD row kernels (kernels-wat.ts) and lays out
 * their operands in the module's memory. Callers reserve the bytes a call
 * needs, take typed views at the returned offsets, fill them and call a
 * kernel. Every call reuses the memory from offset 0, so a view is valid
 * only until the next `reserve`.
 */
import { readFileSync } from 'node:fs';
import { KERNELS_WASM } from './kernel-files.js';

// The few WebAssembly types used here. TypeScript declares them in the DOM
// library, which the project does not compile with.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi })
  .WebAssembly;

/** A distillation row kernel, as kernels-wat.ts describes it. */
export type DistillKernel = (z: number, y: number, soft: number,
  rows: number, items: number, ld: number, inverseT: number,
  ceScale: number, klScale: number, stats: number) => void;

/** The exported functions of kernels.wasm. Pointers are byte offsets. */
export interface KernelExports {
  memory: WasmMemory;
  softmaxRows(z: number, rows: number, items: number, ld: number,
    stats: number): void;
  distillRows: DistillKernel;
  distillRowsT1: DistillKernel;
  distillRowsT2: DistillKernel;
  layerNormForward(x: number, gamma: number, beta: number, out: number,
    normalised: number, inverseStd: number, rows: number, width: number,
    epsilon: number): void;
  layerNormBackward(dy: number, normalised: number, inverseStd: number,
    gamma: number, dx: number, gammaGrad: number, betaGrad: number,
    rows: number, width: number): void;
  fillMask(state: number, out: number, count: number, threshold: number,
    scale: number): void;
}

/** Kernels with their memory. */
export interface SimdKernels {
  exports: KernelExports;
  /**
   * Makes room for blocks of `bytes[i]` bytes and returns their offsets,
   * 16-byte aligned. Views taken before this call may be detached.
   */
  reserve(bytes: number[]): number[];
  f32(offset: number, length: number): Float32Array;
  f64(offset: number, length: number): Float64Array;
  u32(offset: number, length: number): Uint32Array;
}

const PAGE_BYTES = 65536;
/** Alignment of each reserved block, one SIMD vector. */
const BLOCK_ALIGN = 16;

let loaded: SimdKernels | null | undefined;

/**
 * Returns the kernels, loading them on first use, or undefined when
 * `DISTILLERY_SIMD=off` or the runtime lacks WebAssembly SIMD.
 */
export function simdKernels(): SimdKernels | undefined {
  if (loaded === undefined) loaded = load();
  return loaded ?? undefined;
}

/** Returns why the kernels are not in use, or undefined when they are. */
export function simdUnavailableReason(): string | undefined {
  if (simdKernels()) return undefined;
  return process.env.DISTILLERY_SIMD === 'off'
    ? 'switched off by DISTILLERY_SIMD=off'
    : 'this runtime could not compile WebAssembly SIMD';
}

/** Forgets the loaded module, so tests can change DISTILLERY_SIMD. */
export function resetSimdKernels(): void {
  loaded = undefined;
}

function load(): SimdKernels | null {
  if (process.env.DISTILLERY_SIMD === 'off') return null;
  let exports: KernelExports;
  try {
    const module = new wasmApi.Module(readFileSync(KERNELS_WASM));
    exports = new wasmApi.Instance(module).exports as KernelExports;
  } catch {
    return null;
  }

  const { memory } = exports;
  return {
    exports,
    reserve(bytes) {
      const offsets: number[] = [];
      let end = 0;
      for (const size of bytes) {
        offsets.push(end);
        end += Math.ceil(size / BLOCK_ALIGN) * BLOCK_ALIGN;
      }
      const missing = end - memory.buffer.byteLength;
      if (missing > 0) grow(memory, missing, end);
      return offsets;
    },
    f32: (offset, length) => new Float32Array(memory.buffer, offset, length),
    f64: (offset, length) => new Float64Array(memory.buffer, offset, length),
    u32: (offset, length) => new Uint32Array(memory.buffer, offset, length),
  };
}

// A WebAssembly memory stops at 4 GiB, so a call past that gets advice
// instead of the runtime's RangeError.
function grow(
  memory: WasmMemory,
  missingBytes: number,
  totalBytes: number,
): void {
  try {
    memory.grow(Math.ceil(missingBytes / PAGE_BYTES));
  } catch (error) {
    const megabytes = Math.ceil(totalBytes / 2 ** 20);
    throw new Error(
      `The SIMD row kernels need ${megabytes} MB for one call, more than ` +
        'a WebAssembly memory can hold (4 GiB). Lower the node\'s ' +
        '`chunkSize`, or set DISTILLERY_SIMD=off to use plain arrays.',
      { cause: error },
    );
  }
}
