/**
 * `distillery gc`: removes artifacts that no run record refers to,
 * staging folders left behind by processes that died, and quarantined
 * artifacts.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheKey } from '../nodes/node-type.js';
import type { RunRecord } from '../runner/run-record.js';
import { listFiles } from '../hashing/index.js';
import { isKeyShaped } from './layout.js';
import { isOwnerAlive, isPidAlive, lockPath, readLockOwner } from './locks.js';
import type { Store } from './store.js';
import { listEntries } from './verify.js';

/** Options of `collectGarbage`. */
export interface GcOptions {
  /** Report what would be removed without removing it. Default `false`. */
  dryRun?: boolean;
  /** Keys to keep besides those in run records, e.g. a pipeline's plan. */
  keep?: Iterable<string>;
}

/** Result of `collectGarbage`, or its forecast in a dry run. */
export interface GcReport {
  /** Keys of the artifacts removed. */
  removedKeys: CacheKey[];
  /** Keys kept only because a live process holds their lock. */
  lockedKeys: CacheKey[];
  /** Staging folders of dead processes removed from `tmp/`. */
  removedStaging: string[];
  /** Checkpoint folders under `work/` of keys no run record names. */
  removedWork: CacheKey[];
  /** Damaged artifacts set aside under `quarantine/`, all removed. */
  removedQuarantine: string[];
  /** Bytes freed (or that would be freed). */
  freedBytes: number;
  dryRun: boolean;
}

/**
 * Removes every artifact whose key appears in no run record and not in
 * `options.keep`, except artifacts locked by a live process. Each artifact
 * is first renamed out of `objects/`, so a crash mid-removal never leaves
 * half an artifact there.
 *
 * NOTE: a run still planning (before it writes its run record) can lose
 * an artifact its plan found, and then fails reading it. Run gc while
 * nothing runs.
 */
export async function collectGarbage(
  store: Store,
  options: GcOptions = {},
): Promise<GcReport> {
  const dryRun = options.dryRun ?? false;
  const referenced = await referencedKeys(store);
  for (const key of options.keep ?? []) referenced.add(key);

  const report: GcReport = {
    removedKeys: [],
    lockedKeys: [],
    removedStaging: [],
    removedWork: [],
    removedQuarantine: [],
    freedBytes: 0,
    dryRun,
  };
  for (const name of await listEntries(store.layout.objects)) {
    if (!isKeyShaped(name) || referenced.has(name)) continue;

    const key = name as CacheKey;
    if (await isLockedByLiveProcess(store, key)) {
      report.lockedKeys.push(key);
      continue;
    }

    report.freedBytes += await folderBytes(join(store.layout.objects, name));
    report.removedKeys.push(key);
    if (!dryRun) await removeFolder(store, join(store.layout.objects, name));
  }

  await collectStaging(store, report);
  await collectWork(store, referenced, report);
  await collectQuarantine(store, report);
  return report;
}

/** Keys named by any run record under `runs/`. */
export async function referencedKeys(store: Store): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const name of await listEntries(store.layout.runs)) {
    if (!name.endsWith('.json')) continue;

    const record = await readRecord(join(store.layout.runs, name));
    for (const node of Object.values(record?.nodes ?? {})) {
      if (node.key) keys.add(node.key);
    }
  }

  return keys;
}

// Records are replaced atomically, so one that does not parse is damaged.
// gc stops rather than delete artifacts that record may name.
async function readRecord(path: string): Promise<RunRecord | undefined> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as RunRecord;
  } catch {
    throw new Error(
      `Run record \`${path}\` is not valid JSON, so gc cannot tell which ` +
        'artifacts it refers to: repair or delete the file, then run gc again.',
    );
  }
}

async function isLockedByLiveProcess(
  store: Store,
  key: string,
): Promise<boolean> {
  const owner = await readLockOwner(lockPath(store.layout.locks, key));
  return owner !== undefined && isOwnerAlive(owner);
}

/**
 * Removes checkpoints of keys that no run record names: a run records a
 * node's key before the node starts, so these belong to no run that could
 * resume them. Locked keys are kept, as their node may be running.
 */
async function collectWork(
  store: Store,
  referenced: ReadonlySet<string>,
  report: GcReport,
): Promise<void> {
  for (const name of await listEntries(store.layout.work)) {
    if (!isKeyShaped(name) || referenced.has(name)) continue;
    if (await isLockedByLiveProcess(store, name)) continue;

    const dir = join(store.layout.work, name);
    report.freedBytes += await folderBytes(dir);
    report.removedWork.push(name as CacheKey);
    if (!report.dryRun) await rm(dir, { recursive: true, force: true });
  }
}

// Quarantined folders are never read again: a later lookup of the key
// misses and the node recomputes it, so all of them go.
async function collectQuarantine(
  store: Store,
  report: GcReport,
): Promise<void> {
  for (const name of await listEntries(store.layout.quarantine)) {
    const dir = join(store.layout.quarantine, name);
    report.freedBytes += await folderBytes(dir);
    report.removedQuarantine.push(name);
    if (!report.dryRun) await rm(dir, { recursive: true, force: true });
  }
}

async function collectStaging(store: Store, report: GcReport): Promise<void> {
  for (const name of await listEntries(store.layout.tmp)) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || isPidAlive(pid)) continue;

    const dir = join(store.layout.tmp, name);
    report.freedBytes += await folderBytes(dir);
    report.removedStaging.push(name);
    if (!report.dryRun) await rm(dir, { recursive: true, force: true });
  }
}

async function removeFolder(store: Store, dir: string): Promise<void> {
  // The pid prefix lets a later gc finish the job if this one dies.
  const suffix = randomBytes(6).toString('hex');
  const trash = join(store.layout.tmp, `${process.pid}-gc-${suffix}`);
  await rename(dir, trash);
  await rm(trash, { recursive: true, force: true });
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const path of await listFiles(dir)) {
    total += (await stat(join(dir, path))).size;
  }

  return total;
}
