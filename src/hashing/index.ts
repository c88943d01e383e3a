/** Canonical JSON, SHA-256 helpers, fingerprints and cache keys. */
export { canonicalJson, CanonicalJsonError } from './canonical-json.js';
export type { CanonicalJsonFailure } from './canonical-json.js';
export {
  sha256Hex,
  sha256Json,
  sha256File,
  sha256Path,
  listFiles,
} from './sha256.js';
export type { FileHash } from './sha256.js';
export {
  fingerprintImplementation,
  clearFingerprintCache,
  FingerprintError,
} from './fingerprint.js';
export { findImportSpecifiers } from './import-scanner.js';
export { computeCacheKey, CACHE_KEY_SCHEMA } from './cache-key.js';
