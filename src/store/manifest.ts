/**
 * Artifact manifests: the list of an artifact's files with their sizes and
 * SHA-256 hashes, written last when publishing, and the content digest
 * derived from it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactDigest, CacheKey } from '../nodes/node-type.js';
import { listFiles, sha256File, sha256Json } from '../hashing/index.js';
import { MANIFEST_FILE, RESULT_FILE } from './layout.js';

/** Version of the manifest layout. */
export const MANIFEST_SCHEMA = 1;

/** One file of an artifact, by `/`-separated path relative to its folder. */
export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

/** Contents of `manifest.json`. */
export interface Manifest {
  schema: number;
  key: CacheKey;
  kind: string;
  /** Name of the producing node, without variant. */
  producer: string;
  digest: ArtifactDigest;
  createdAt: string;
  /** Every file except the manifest itself, sorted by path. */
  files: ManifestFile[];
}

/**
 * Computes an artifact's content digest: the SHA-256 of the canonical JSON
 * of its kind and its files sorted by path. The key and the producer are
 * left out, so two nodes that write identical files get equal digests.
 *
 * Note: `result.json` is left out too. It contains the node's run summary
 * (epoch timings, throughput, the epoch a run resumed from), which differs
 * between runs that produce identical files. It is still listed in the
 * manifest, so `verify` and every cache hit check its hash.
 */
export function artifactDigest(
  kind: string,
  files: ManifestFile[],
): ArtifactDigest {
  const sorted = files
    .filter((file) => file.path !== RESULT_FILE)
    .sort(comparePaths);
  return sha256Json({ kind, files: sorted }) as ArtifactDigest;
}

/** Hashes every file under `dir` except the manifest, sorted by path. */
export async function hashArtifactFiles(dir: string): Promise<ManifestFile[]> {
  const paths = (await listFiles(dir)).filter((path) => path !== MANIFEST_FILE);
  const files: ManifestFile[] = [];
  for (const path of paths) {
    files.push({ path, ...(await sha256File(join(dir, path))) });
  }

  return files;
}

/**
 * Reads and shape-checks `manifest.json` of an artifact folder. Returns
 * `undefined` when the file is missing or is not a manifest.
 */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    return undefined;
  }

  try {
    const value = JSON.parse(text) as Manifest;
    return isManifest(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isManifest(value: Manifest): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof value.key === 'string' &&
    typeof value.kind === 'string' &&
    typeof value.digest === 'string' &&
    Array.isArray(value.files) &&
    value.files.every(
      (file) =>
        typeof file.path === 'string' &&
        typeof file.size === 'number' &&
        typeof file.sha256 === 'string',
    )
  );
}

function comparePaths(a: ManifestFile, b: ManifestFile): number {
  if (a.path === b.path) return 0;
  return a.path < b.path ? -1 : 1;
}
