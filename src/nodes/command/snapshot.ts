/**
 * Detecting writes outside a command's outs: the working directory is
 * listed (path, size and modification time of every entry) before and
 * after the command, and every entry created, modified or removed that is
 * not under an out is reported.
 *
 * Note: this detects changes inside the working directory only, skipping
 * `.git`, `node_modules` and the artifact store. Writes elsewhere (the home
 * folder, /tmp, absolute paths) are not detected, nor a rewrite that keeps
 * a file's size and modification time.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Entries listed at most; a larger tree is not checked. */
export const MAX_SNAPSHOT_ENTRIES = 20_000;

/** Folder names never listed. */
const SKIPPED_NAMES = new Set(['.git', 'node_modules']);

/** Listing of a tree: relative path to `size:mtime`, or `dir`. */
export type Snapshot = Map<string, string>;

/** One entry that changed between two snapshots. */
export interface TreeChange {
  /** Path relative to the working directory, with `/` separators. */
  path: string;
  change: 'created' | 'modified' | 'removed';
}

/**
 * Lists `root`, skipping the folders in `skip` (absolute paths). Returns
 * `undefined` when the tree has more than `MAX_SNAPSHOT_ENTRIES` entries.
 */
export async function takeSnapshot(
  root: string,
  skip: readonly string[],
): Promise<Snapshot | undefined> {
  const snapshot: Snapshot = new Map();
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    for (const entry of await readEntries(dir)) {
      const path = join(dir, entry.name);
      if (SKIPPED_NAMES.has(entry.name) || skip.includes(path)) continue;

      const key = relative(root, path).split(sep).join('/');
      if (entry.isDirectory()) {
        snapshot.set(key, 'dir');
        pending.push(path);
      } else {
        const state = await fileState(path);
        if (state !== undefined) snapshot.set(key, state);
      }

      if (snapshot.size > MAX_SNAPSHOT_ENTRIES) return undefined;
    }
  }

  return snapshot;
}

// Entries can vanish while they are listed, because other processes work
// in the same tree: a vanished or unreadable entry is left out.
async function readEntries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isGone(error)) return [];
    throw error;
  }
}

async function fileState(path: string): Promise<string | undefined> {
  try {
    const stats = await lstat(path);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES';
}

/**
 * Returns the changes between two snapshots that lie outside every path in
 * `allowed` (relative paths with `/` separators), sorted by path.
 */
export function changesOutside(
  before: Snapshot,
  after: Snapshot,
  allowed: readonly string[],
): TreeChange[] {
  const changes: TreeChange[] = [];
  for (const [path, state] of after) {
    const previous = before.get(path);
    if (previous === undefined) changes.push({ path, change: 'created' });
    else if (previous !== state) changes.push({ path, change: 'modified' });
  }

  for (const path of before.keys()) {
    if (!after.has(path)) changes.push({ path, change: 'removed' });
  }

  return changes
    .filter(({ path }) => !isUnder(path, allowed))
    .sort((a, b) => comparePaths(a.path, b.path));
}

function comparePaths(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function isUnder(path: string, allowed: readonly string[]): boolean {
  return allowed.some(
    (prefix) =>
      path === prefix ||
      path.startsWith(`${prefix}/`) ||
      // A folder that only gained or lost an out is not a write of its own.
      prefix.startsWith(`${path}/`),
  );
}
