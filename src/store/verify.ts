/** `distillery verify`: re-hashes every artifact in a store. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheKey } from '../nodes/node-type.js';
import { checkArtifact, type ArtifactProblem } from './check-artifact.js';
import { isKeyShaped } from './layout.js';
import type { Store } from './store.js';

/** One problem `verify` found. */
export type VerifyFinding =
  | { reason: 'invalid-artifact'; key: CacheKey; problem: ArtifactProblem }
  | { reason: 'unexpected-entry'; name: string };

/** Result of `verifyStore`: valid artifacts and findings. */
export interface VerifyReport {
  /** Number of artifacts that matched their manifests. */
  valid: number;
  findings: VerifyFinding[];
}

/** Options of `verifyStore`. */
export interface VerifyOptions {
  /** Move invalid artifacts to `quarantine/`. Default `false`. */
  quarantine?: boolean;
}

/** Checks every artifact under `objects/` against its manifest. */
export async function verifyStore(
  store: Store,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const report: VerifyReport = { valid: 0, findings: [] };
  for (const name of await listEntries(store.layout.objects)) {
    if (!isKeyShaped(name)) {
      report.findings.push({ reason: 'unexpected-entry', name });
      continue;
    }

    const key = name as CacheKey;
    const check = await checkArtifact(join(store.layout.objects, name), key);
    if (check.valid) {
      report.valid += 1;
      continue;
    }

    report.findings.push({
      reason: 'invalid-artifact',
      key,
      problem: check.problem,
    });
    if (options.quarantine) await store.quarantine(key);
  }

  return report;
}

/** Lists a folder's entries, sorted; a missing folder has none. */
export async function listEntries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
