/**
 * Per-key execution locks: `locks/<key>.lock`, created exclusively and
 * holding the owner's pid, host name and start time. Two processes that
 * want to compute the same key take turns; a lock whose owner died on
 * this host is stolen.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './atomic-write.js';

/** Contents of a lock file. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  startedAt: string;
}

/** A held lock; `release` removes the file. */
export interface HeldLock {
  path: string;
  owner: LockOwner;
  release(): Promise<void>;
}

/** Options of `acquireLock`. */
export interface AcquireLockOptions {
  /** Aborts the wait; the returned promise then rejects with the reason. */
  signal?: AbortSignal;
  /** Time between attempts while another live process holds the lock. */
  pollIntervalMs?: number;
  /** Called once when the lock is found held by a live process. */
  onWait?(owner: LockOwner): void;
}

const DEFAULT_POLL_INTERVAL_MS = 200;

// An owner writes its lock file right after creating it, so a lock file
// that is still unreadable after this long was left by a process that
// died in between.
const ABANDONED_EMPTY_LOCK_MS = 10_000;

/** Returns the path of the lock file for `key`. */
export function lockPath(locksDir: string, key: string): string {
  return join(locksDir, `${key}.lock`);
}

/**
 * Takes the lock at `path`, waiting while a live process holds it and
 * stealing it from a dead owner on this host.
 */
export async function acquireLock(
  path: string,
  options: AcquireLockOptions = {},
): Promise<HeldLock> {
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  let reportedWait = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const held = await tryCreateLock(path);
    if (held) return held;

    const owner = await readLockOwner(path);
    if (owner ? !isOwnerAlive(owner) : await isAbandonedEmptyLock(path)) {
      await stealLock(path, owner);
      continue;
    }

    if (owner && !reportedWait) {
      options.onWait?.(owner);
      reportedWait = true;
    }

    await delay(pollIntervalMs, options.signal);
  }
}

/**
 * Tries once to take the lock; returns `undefined` when the file exists.
 */
export async function tryCreateLock(
  path: string,
): Promise<HeldLock | undefined> {
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
  };
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }

  try {
    await handle.writeFile(JSON.stringify(owner));
    await handle.sync();
  } finally {
    await handle.close();
  }

  return { path, owner, release: () => rm(path, { force: true }) };
}

/**
 * Reads a lock file. Returns `undefined` when it is gone or not yet
 * written (the owner creates it empty, then writes), so callers retry.
 */
export async function readLockOwner(
  path: string,
): Promise<LockOwner | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return typeof value.pid === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tells whether the owner may still be running. Owners on other hosts
 * count as alive because their pid cannot be checked from here.
 *
 * NOTE: a pid reused by an unrelated process after the owner died keeps
 * the lock held. Comparing the process start time would catch that.
 */
export function isOwnerAlive(owner: LockOwner): boolean {
  return owner.hostname !== hostname() || isPidAlive(owner.pid);
}

/** Tells whether a process with this pid exists on this host. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a dead owner's lock aside. Another process may have stolen it
 * first and taken a fresh lock, so the rename can grab that live lock
 * instead. It is then linked back, which fails harmlessly if yet another
 * lock appeared in between.
 */
async function stealLock(
  path: string,
  expected: LockOwner | undefined,
): Promise<void> {
  const aside = `${path}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }

  const taken = await readLockOwner(aside);
  const sameAsRead = taken && expected && sameOwner(taken, expected);
  if (taken && !sameAsRead && isOwnerAlive(taken)) {
    await link(aside, path).catch(() => undefined);
  }

  await rm(aside, { force: true });
  await fsyncDir(join(path, '..'));
}

async function isAbandonedEmptyLock(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    return Date.now() - info.mtimeMs > ABANDONED_EMPTY_LOCK_MS;
  } catch {
    return false;
  }
}

function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return (
    a.pid === b.pid && a.hostname === b.hostname && a.startedAt === b.startedAt
  );
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', onAbort, { once: true });

    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }

    function onAbort(): void {
      clearTimeout(timer);
      reject(signal!.reason);
    }
  });
}
