/** The path of the compiled SIMD kernels. */
import { fileURLToPath } from 'node:url';

/** The compiled module, committed so that running needs no compiler. */
export const KERNELS_WASM = fileURLToPath(
  new URL('./kernels.wasm', import.meta.url),
);
