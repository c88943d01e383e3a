/**
 * The cache key of a node execution: the SHA-256 of the canonical JSON of
 * its `CacheKeyFields`. docs/architecture.md explains each field.
 */
import type { CacheKey } from '../nodes/node-type.js';
import type { CacheKeyFields } from '../runner/run-record.js';
import { sha256Json } from './sha256.js';

/**
 * Version of the key layout. Bump it when the fields or their meaning
 * change, so every old key misses once instead of colliding with new ones.
 */
export const CACHE_KEY_SCHEMA = 1;

/**
 * Computes the cache key of a node from its key fields:
 *
 * - `schema`: the key layout version (`CACHE_KEY_SCHEMA`).
 * - `type`: the node type name, so two types with equal params differ.
 * - `typeVersion`: the type's hand-bumped version.
 * - `implementation`: the fingerprint of the type's module and imports.
 * - `params`: resolved parameters with defaults filled in.
 * - `inputs`: input name to artifact digest (a list for list inputs).
 * - `files`: declared file dependency (relative path) to content digest.
 * - `env`: declared environment variable to value, `null` when unset.
 *
 * Object key order never matters because the JSON is canonical.
 */
export function computeCacheKey(fields: CacheKeyFields): CacheKey {
  return sha256Json(fields) as CacheKey;
}
