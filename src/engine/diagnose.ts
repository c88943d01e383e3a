/**
 * The engine part of `distillery doctor`: which backend is active, why the
 * faster ones are not, and the command that enables each.
 */
import { locateBlas } from './blas/locate-blas.js';
import { engineState, initEngine } from './index.js';
import { importNative, NATIVE_BACKENDS } from './select-backend.js';
import { simdUnavailableReason } from './simd/simd-kernels.js';

const BLAS_INSTALL_HINT =
  'install OpenBLAS with `apt-get install libopenblas0-pthread` (Debian, ' +
  'Ubuntu) or set DISTILLERY_BLAS_PATH to a libopenblas.so.0; macOS ' +
  'provides Accelerate';

/**
 * Initialises the engine if needed and returns a multi-line report of the
 * active backend, BLAS, and every alternative with the reason it is not in
 * use and how to enable it.
 */
export async function diagnoseEngine(): Promise<string> {
  const info = await initEngine();
  const { blasResult } = engineState();
  const lines = [
    `backend: ${info.backend}`,
    `versions: ${Object.entries(info.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
  ];

  if (info.blas) {
    lines.push(`BLAS kernels: on (${info.kernels.join(', ')})`);
    const threads = info.threads === 1 ? '1 thread' : `${info.threads} threads`;
    lines.push(`BLAS library: ${info.blasPath} with ${threads}`);
  } else if (info.backend === 'cpu' || info.backend === 'wasm') {
    const why = blasResult && !blasResult.ok ? blasResult.message : 'unknown';
    lines.push(`BLAS kernels: off (${why})`);
    lines.push(`  to enable: ${BLAS_INSTALL_HINT}`);
    const tried = locateBlas(process.env.DISTILLERY_BLAS_PATH).tried;
    lines.push(`  searched: ${tried.join(', ')}`);
  }

  if (info.backend === 'cpu' || info.backend === 'wasm') {
    const reason = simdUnavailableReason();
    lines.push(reason
      ? `SIMD row kernels: off (${reason}); unset DISTILLERY_SIMD to enable`
      : 'SIMD row kernels: on (item softmax, LayerNorm, dropout masks)');
  }

  for (const candidate of NATIVE_BACKENDS) {
    if (info.backend === candidate.name) continue;
    const loaded = await importNative(candidate.module);
    const why = loaded.ok ? 'installed but not selected' : loaded.message;
    lines.push(`${candidate.name}: not in use (${why})`);
    lines.push(`  to enable: npm install ${candidate.module}`);
  }

  // The lines above already explain each unused native backend.
  const explained = NATIVE_BACKENDS.map((candidate) => `${candidate.name}:`);
  for (const note of info.notes) {
    if (!explained.some((prefix) => note.startsWith(prefix))) {
      lines.push(`note: ${note}`);
    }
  }
  return lines.join('\n');
}
