/**
 * An independent check of a store after a crash: every published
 * artifact's files match its manifest (re-hashed here with node:crypto,
 * not through the store's own code), every run record parses, and
 * `distillery verify` agrees.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { artifactDigest, type ManifestFile } from '../../src/store/manifest.js';
import { runCli } from './cli-process.js';

/** One way a store is not consistent. */
export interface StoreProblem {
  reason:
    | 'missing-manifest'
    | 'invalid-manifest'
    | 'file-mismatch'
    | 'unlisted-file'
    | 'digest-mismatch'
    | 'invalid-run-record'
    | 'verify-failed';
  /** The file or folder concerned, relative to the store. */
  path: string;
  detail: string;
}

/** A node's key and artifact digest in a finished run. */
export interface NodeDigest {
  key: string;
  digest: string;
}

/** Options of `checkStore`. */
export interface CheckStoreOptions {
  /** Also run `distillery verify --store`. Default true. */
  runVerify?: boolean;
}

/** Returns every consistency problem of the store at `root`. */
export async function checkStore(
  root: string,
  options: CheckStoreOptions = {},
): Promise<StoreProblem[]> {
  const problems: StoreProblem[] = [];
  for (const name of await entries(join(root, 'objects'))) {
    problems.push(...(await checkObject(root, name)));
  }

  for (const name of await entries(join(root, 'runs'))) {
    if (!name.endsWith('.json')) continue;
    const problem = await checkRunRecord(root, name);
    if (problem) problems.push(problem);
  }

  if (options.runVerify ?? true) {
    const verify = await runCli(['verify', '--store', root]);
    if (verify.code !== 0) {
      problems.push({
        reason: 'verify-failed',
        path: '.',
        detail: `exit ${verify.code}: ${verify.stdout}${verify.stderr}`.trim(),
      });
    }
  }

  return problems;
}

/**
 * Returns the key and digest of every node of the newest run record with
 * status `succeeded`, or `undefined` when no run has succeeded.
 */
export async function succeededDigests(
  root: string,
): Promise<Record<string, NodeDigest> | undefined> {
  const names = (await entries(join(root, 'runs')))
    .filter((name) => name.endsWith('.json'))
    .reverse();
  for (const name of names) {
    const record = JSON.parse(
      await readFile(join(root, 'runs', name), 'utf8'),
    ) as RecordShape;
    if (record.status !== 'succeeded') continue;

    const digests: Record<string, NodeDigest> = {};
    for (const [id, node] of Object.entries(record.nodes)) {
      digests[id] = { key: node.key, digest: node.artifactDigest ?? '' };
    }

    return digests;
  }

  return undefined;
}

interface RecordShape {
  id: string;
  status: string;
  nodes: Record<string, { key: string; artifactDigest?: string }>;
}

async function checkObject(
  root: string,
  name: string,
): Promise<StoreProblem[]> {
  const dir = join(root, 'objects', name);
  const path = relative(root, dir);
  let manifest: { kind: string; digest: string; files: ManifestFile[] };
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return [
      {
        reason: missing ? 'missing-manifest' : 'invalid-manifest',
        path,
        detail: String(error),
      },
    ];
  }

  const problems: StoreProblem[] = [];
  const present = new Set(await listTree(dir));
  present.delete('manifest.json');
  for (const file of manifest.files ?? []) {
    present.delete(file.path);
    const actual = await hashFile(join(dir, file.path));
    if (actual?.size !== file.size || actual.sha256 !== file.sha256) {
      problems.push({
        reason: 'file-mismatch',
        path: join(path, file.path),
        detail:
          `manifest ${describeFile(file)}, ` +
          `found ${actual ? describeFile(actual) : 'nothing'}`,
      });
    }
  }

  for (const extra of present) {
    problems.push({
      reason: 'unlisted-file',
      path: join(path, extra),
      detail: '',
    });
  }

  if (artifactDigest(manifest.kind, manifest.files) !== manifest.digest) {
    problems.push({ reason: 'digest-mismatch', path, detail: manifest.digest });
  }

  return problems;
}

function describeFile(file: { size: number; sha256: string }): string {
  return `${file.size} B ${file.sha256.slice(0, 12)}`;
}

async function checkRunRecord(
  root: string,
  name: string,
): Promise<StoreProblem | undefined> {
  const path = join('runs', name);
  try {
    const record = JSON.parse(
      await readFile(join(root, path), 'utf8'),
    ) as RecordShape;
    const valid =
      typeof record.id === 'string' &&
      typeof record.status === 'string' &&
      typeof record.nodes === 'object';
    if (valid) return undefined;
    return { reason: 'invalid-run-record', path, detail: 'missing fields' };
  } catch (error) {
    return { reason: 'invalid-run-record', path, detail: String(error) };
  }
}

async function hashFile(
  path: string,
): Promise<{ size: number; sha256: string } | undefined> {
  try {
    const bytes = await readFile(path);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { size: (await stat(path)).size, sha256 };
  } catch {
    return undefined;
  }
}

async function listTree(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      files.push(...(await listTree(join(dir, entry.name), path)));
    } else {
      files.push(path);
    }
  }

  return files;
}

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
