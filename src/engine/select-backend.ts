/**
 * Resolves which backend to try and loads the optional TensorFlow C
 * backends by dynamic import, so their absence is a note, not a crash.
 */
import type { BackendName } from './index.js';

const BACKEND_NAMES: readonly BackendName[] = [
  'auto',
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu',
];

/** Native TensorFlow packages, fastest first, with the backend each adds. */
export const NATIVE_BACKENDS = [
  { name: 'tensorflow-gpu', module: '@tensorflow/tfjs-node-gpu' },
  { name: 'tensorflow', module: '@tensorflow/tfjs-node' },
] as const;

/**
 * Returns the backend requested by option, then DISTILLERY_BACKEND, then
 * `auto`. Throws on an unknown name, listing the valid ones.
 */
export function requestedBackend(
  option: BackendName | undefined,
  environment: NodeJS.ProcessEnv = process.env,
): BackendName {
  const value = option ?? environment.DISTILLERY_BACKEND ?? 'auto';
  if ((BACKEND_NAMES as readonly string[]).includes(value)) {
    return value as BackendName;
  }
  const source = option ? '`backend` option' : 'DISTILLERY_BACKEND';
  throw new Error(
    `${source} must be one of ${BACKEND_NAMES.join(', ')}, received ` +
      `\`${value}\`. Unset it or pick a listed name.`,
  );
}

/** Outcome of importing one native TensorFlow package. */
export type NativeImport =
  | { ok: true }
  | { ok: false; reason: 'not-installed' | 'load-failed'; message: string };

/**
 * Imports a native TensorFlow package, which registers its backend with
 * tfjs-core as a side effect.
 */
export async function importNative(moduleName: string): Promise<NativeImport> {
  try {
    await import(moduleName);
    return { ok: true };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing =
      code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    const message = error instanceof Error ? error.message : String(error);
    if (missing && message.includes(moduleName)) {
      return {
        ok: false,
        reason: 'not-installed',
        message: `\`${moduleName}\` is not installed`,
      };
    }
    return {
      ok: false,
      reason: 'load-failed',
      message: `\`${moduleName}\` failed to load: ${firstLine(message)}`,
    };
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
