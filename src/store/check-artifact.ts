/**
 * Checks that an artifact folder matches its manifest: every listed file
 * exists with the listed size and SHA-256, no other file is present, and
 * the manifest's digest and key are the ones it should have.
 */
import { join } from 'node:path';
import type { CacheKey } from '../nodes/node-type.js';
import { listFiles, sha256File } from '../hashing/index.js';
import { MANIFEST_FILE } from './layout.js';
import { artifactDigest, readManifest, type Manifest } from './manifest.js';

/** Reason an artifact folder is not a valid artifact. */
export type ArtifactProblem =
  | { reason: 'missing-manifest' }
  | { reason: 'key-mismatch'; manifestKey: string }
  | { reason: 'digest-mismatch'; expected: string; actual: string }
  | { reason: 'missing-file'; path: string }
  | { reason: 'unlisted-file'; path: string }
  | { reason: 'size-mismatch'; path: string; expected: number; actual: number }
  | { reason: 'hash-mismatch'; path: string; expected: string; actual: string };

/** Outcome of checking one artifact folder. */
export type ArtifactCheck =
  | { valid: true; manifest: Manifest }
  | { valid: false; problem: ArtifactProblem };

/** Re-hashes the artifact in `dir`, published under `key`. */
export async function checkArtifact(
  dir: string,
  key: CacheKey,
): Promise<ArtifactCheck> {
  const manifest = await readManifest(dir);
  if (!manifest) return invalid({ reason: 'missing-manifest' });
  if (manifest.key !== key) {
    return invalid({ reason: 'key-mismatch', manifestKey: manifest.key });
  }

  const digest = artifactDigest(manifest.kind, manifest.files);
  if (digest !== manifest.digest) {
    return invalid({
      reason: 'digest-mismatch',
      expected: manifest.digest,
      actual: digest,
    });
  }

  const problem = await checkFiles(dir, manifest);
  return problem ? invalid(problem) : { valid: true, manifest };
}

async function checkFiles(
  dir: string,
  manifest: Manifest,
): Promise<ArtifactProblem | undefined> {
  const present = new Set(
    (await listFiles(dir)).filter((path) => path !== MANIFEST_FILE),
  );
  for (const file of manifest.files) {
    if (!present.delete(file.path)) {
      return { reason: 'missing-file', path: file.path };
    }

    const actual = await sha256File(join(dir, file.path));
    if (actual.size !== file.size) {
      return {
        reason: 'size-mismatch',
        path: file.path,
        expected: file.size,
        actual: actual.size,
      };
    }

    if (actual.sha256 !== file.sha256) {
      return {
        reason: 'hash-mismatch',
        path: file.path,
        expected: file.sha256,
        actual: actual.sha256,
      };
    }
  }

  const [extra] = present;
  return extra === undefined
    ? undefined
    : { reason: 'unlisted-file', path: extra };
}

function invalid(problem: ArtifactProblem): ArtifactCheck {
  return { valid: false, problem };
}

/** Describes a problem in one line, for logs and `distillery verify`. */
export function describeArtifactProblem(problem: ArtifactProblem): string {
  switch (problem.reason) {
    case 'missing-manifest':
      return 'manifest.json is missing or unreadable';
    case 'key-mismatch':
      return `manifest names key ${problem.manifestKey}`;
    case 'digest-mismatch':
      return `manifest digest ${problem.expected} does not match its file list`;
    case 'missing-file':
      return `file \`${problem.path}\` is missing`;
    case 'unlisted-file':
      return `file \`${problem.path}\` is not in the manifest`;
    case 'size-mismatch':
      return (
        `file \`${problem.path}\` has ${problem.actual} bytes, ` +
        `the manifest says ${problem.expected}`
      );
    case 'hash-mismatch':
      return `file \`${problem.path}\` has changed since it was published`;
  }
}
