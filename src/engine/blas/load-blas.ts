/**
 * Binds `cblas_sgemm` from a native BLAS library through koffi, the FFI
 * package that ships prebuilt binaries, so no compiler is needed.
 */
import { availableParallelism } from 'node:os';
import { locateBlas } from './locate-blas.js';

/** Row-major single-precision matrix product through native BLAS. */
export interface Blas {
  /** Path of the loaded library. */
  path: string;
  /** Threads the library was set to use; 0 when it has no such setting. */
  threads: number;
  /** Library build, from `openblas_get_config` where available. */
  config: string;
  /**
   * Computes `c = alpha * op(a) * op(b) + beta * c` in row-major layout,
   * where `op` transposes when the flag is set. `a` is m x k after `op`,
   * `b` is k x n after `op`, and `c` is m x n. Views made with `subarray`
   * are passed at their offset without a copy.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
}

/** Reason that no BLAS library is in use. */
export type BlasFailureReason =
  | 'disabled'
  | 'not-found'
  | 'ffi-unavailable'
  | 'load-failed';

/** Outcome of `loadBlas`: the bound library or a typed failure. */
export type BlasLoadResult =
  | { ok: true; blas: Blas; tried: string[] }
  | {
      ok: false;
      reason: BlasFailureReason;
      message: string;
      tried: string[];
    };

/** Options of `loadBlas`. */
export interface BlasOptions {
  /** Skip native BLAS entirely, for tests of the fallback. Default false. */
  disabled?: boolean;
  /** Library to load instead of searching. Default: search. */
  path?: string;
  /** Threads for the library. Default: `os.availableParallelism()`. */
  threads?: number;
}

// CBLAS enum values from cblas.h, identical in OpenBLAS and Accelerate.
const CBLAS_ROW_MAJOR = 101;
const CBLAS_NO_TRANS = 111;
const CBLAS_TRANS = 112;

const SGEMM_SIGNATURE =
  'void cblas_sgemm(int order, int transA, int transB, int m, int n, ' +
  'int k, float alpha, const float *a, int lda, const float *b, int ldb, ' +
  'float beta, _Inout_ float *c, int ldc)';

type KoffiModule = typeof import('koffi');
type KoffiLibrary = ReturnType<KoffiModule['load']>;

/**
 * Finds, loads and binds a BLAS library. A missing library or a failed
 * load is returned as a reason, not thrown, so callers can fall back.
 */
export async function loadBlas(options: BlasOptions = {}): Promise<BlasLoadResult> {
  if (options.disabled) {
    return {
      ok: false,
      reason: 'disabled',
      message: 'native BLAS is disabled by option or DISTILLERY_BLAS=off',
      tried: [],
    };
  }

  const search = locateBlas(options.path);
  if (!search.found) {
    return {
      ok: false,
      reason: 'not-found',
      message: 'no OpenBLAS or Accelerate library was found',
      tried: search.tried,
    };
  }

  let koffi: KoffiModule;
  try {
    koffi = (await import('koffi')).default as KoffiModule;
  } catch (error) {
    return {
      ok: false,
      reason: 'ffi-unavailable',
      message: `the koffi FFI package failed to load: ${String(error)}`,
      tried: search.tried,
    };
  }

  try {
    const blas = bindLibrary(koffi, search.found, options.threads);
    return { ok: true, blas, tried: search.tried };
  } catch (error) {
    return {
      ok: false,
      reason: 'load-failed',
      message: `loading \`${search.found}\` failed: ${String(error)}`,
      tried: search.tried,
    };
  }
}

function bindLibrary(
  koffi: KoffiModule,
  path: string,
  requestedThreads: number | undefined,
): Blas {
  const library = koffi.load(path);
  const sgemmNative = library.func(SGEMM_SIGNATURE);
  const threads = setThreadCount(library, requestedThreads);
  const config = readConfig(library);

  const sgemm: Blas['sgemm'] = (
    transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
  ) => {
    sgemmNative(
      CBLAS_ROW_MAJOR,
      transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
      transB ? CBLAS_TRANS : CBLAS_NO_TRANS,
      m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
    );
  };

  return { path, threads, config, sgemm };
}

function optionalFunction(
  library: KoffiLibrary,
  signature: string,
): ((...args: unknown[]) => unknown) | undefined {
  try {
    return library.func(signature) as (...args: unknown[]) => unknown;
  } catch {
    // Accelerate and reference CBLAS lack the OpenBLAS extensions.
    return undefined;
  }
}

function setThreadCount(
  library: KoffiLibrary,
  requested: number | undefined,
): number {
  const setThreads = optionalFunction(
    library,
    'void openblas_set_num_threads(int threads)',
  );
  if (!setThreads) return 0;
  const threads = Math.max(1, requested ?? availableParallelism());
  setThreads(threads);
  return threads;
}

function readConfig(library: KoffiLibrary): string {
  const getConfig = optionalFunction(
    library,
    'const char *openblas_get_config()',
  );
  return getConfig ? String(getConfig()) : 'unknown build';
}
