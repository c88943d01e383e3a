/**
 * Compiles the text of kernels-wat.ts into the kernels.wasm that
 * simd-kernels.ts loads. Run it with `npm run build:wasm` after editing
 * the kernels. A test checks that the committed binary is this output.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { KERNELS_WASM } from './kernel-files.js';
import { kernelsWat } from './kernels-wat.js';

/**
 * Returns the binary of the kernels. It needs the `wabt` development
 * dependency, and throws with the compiler's message on a syntax error.
 */
export async function compileKernels(): Promise<Uint8Array> {
  const { default: loadWabt } = await import('wabt');
  const wabt = await loadWabt();
  const module = wabt.parseWat('kernels.wat', kernelsWat(), { simd: true });
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({ canonicalize_lebs: true }).buffer;
  } finally {
    module.destroy();
  }
}

const runDirectly =
  process.argv[1] !== undefined &&
  fileURLToPath(import.meta.url) === process.argv[1];
if (runDirectly) {
  const binary = await compileKernels().catch((error: Error) => {
    // wabt's stack trace quotes its whole minified source, and the
    // message alone names the line of the kernel text.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
  await writeFile(KERNELS_WASM, binary);
  process.stdout.write(`wrote ${KERNELS_WASM} (${binary.length} bytes)\n`);
}
