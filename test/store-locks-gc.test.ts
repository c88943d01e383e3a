import { writeFile, readdir, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/index.js';
import { collectGarbage, lockPath, readLockOwner } from '../src/store/index.js';
import {
  deadPid,
  keyOf,
  publishFiles,
  temporaryStore,
} from './store-helpers.js';

let store: Store;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ store, cleanup } = await temporaryStore());
});

afterEach(async () => {
  await cleanup();
});

async function writeLock(key: string, pid: number): Promise<void> {
  const owner = {
    pid,
    hostname: hostname(),
    startedAt: '2026-01-01T00:00:00Z',
  };
  await writeFile(lockPath(store.layout.locks, key), JSON.stringify(owner));
}

async function writeRunRecord(id: string, keys: string[]): Promise<void> {
  const nodes = Object.fromEntries(
    keys.map((key, index) => [`n${index}`, { id: `n${index}`, key }]),
  );
  await writeFile(
    join(store.layout.runs, `${id}.json`),
    JSON.stringify({ id, nodes }),
  );
}

describe('store locks', () => {
  it('steals a lock whose owner is dead', async () => {
    const key = keyOf('a');
    await writeLock(key, deadPid());
    const lock = await store.lock(key, { pollIntervalMs: 10 });
    const owner = await readLockOwner(lockPath(store.layout.locks, key));
    expect(owner?.pid).toBe(process.pid);
    await lock.release();
    expect(await readdir(store.layout.locks)).toEqual([]);
  });

  it('waits for a live owner until aborted', async () => {
    const key = keyOf('a');
    // The test runner's parent process is alive for the whole test.
    await writeLock(key, process.ppid);
    const controller = new AbortController();
    const waits: number[] = [];
    let reportWait = (): void => undefined;
    const waited = new Promise<void>((resolve) => (reportWait = resolve));
    const pending = store.lock(key, {
      pollIntervalMs: 10,
      signal: controller.signal,
      onWait: (owner) => {
        waits.push(owner.pid);
        reportWait();
      },
    });
    await waited;
    controller.abort(new Error('stopped waiting'));
    await expect(pending).rejects.toThrow('stopped waiting');
    expect(waits).toEqual([process.ppid]);
    const owner = await readLockOwner(lockPath(store.layout.locks, key));
    expect(owner?.pid).toBe(process.ppid);
  });

  it('takes the lock once the live owner releases it', async () => {
    const key = keyOf('a');
    const first = await store.lock(key);
    let acquired = false;
    const second = store.lock(key, { pollIntervalMs: 10 }).then((lock) => {
      acquired = true;
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(acquired).toBe(false);
    await first.release();
    await (await second).release();
    expect(acquired).toBe(true);
  });
});

describe('store gc', () => {
  it('removes only artifacts no run record names', async () => {
    const kept = await publishFiles(store, keyOf('kept'), { 'a.txt': '1' });
    await publishFiles(store, keyOf('orphan'), { 'b.txt': '12345' });
    await writeRunRecord('20260101-000000-aaaa', [kept.key]);

    const dry = await collectGarbage(store, { dryRun: true });
    expect(dry.removedKeys).toEqual([keyOf('orphan')]);
    expect(dry.freedBytes).toBeGreaterThan(5);
    expect(await readdir(store.layout.objects)).toHaveLength(2);

    const report = await collectGarbage(store);
    expect(report.removedKeys).toEqual([keyOf('orphan')]);
    expect(report.freedBytes).toBe(dry.freedBytes);
    expect(await readdir(store.layout.objects)).toEqual([kept.key]);
  });

  it('never removes an artifact locked by a live process', async () => {
    const locked = await publishFiles(store, keyOf('locked'), { 'a.txt': '1' });
    const stale = await publishFiles(store, keyOf('stale'), { 'b.txt': '2' });
    await writeLock(locked.key, process.ppid);
    await writeLock(stale.key, deadPid());

    const report = await collectGarbage(store);
    expect(report.lockedKeys).toEqual([locked.key]);
    expect(report.removedKeys).toEqual([stale.key]);
    expect(await readdir(store.layout.objects)).toEqual([locked.key]);
  });

  it('keeps keys passed in keep', async () => {
    const ref = await publishFiles(store, keyOf('planned'), { 'a.txt': '1' });
    const report = await collectGarbage(store, { keep: [ref.key] });
    expect(report.removedKeys).toEqual([]);
  });

  it('removes staging folders of dead processes only', async () => {
    const dead = `${deadPid()}-abandoned`;
    await mkdir(join(store.layout.tmp, dead));
    const live = await store.createStaging();
    const report = await collectGarbage(store);
    expect(report.removedStaging).toEqual([dead]);
    expect(await readdir(store.layout.tmp)).toEqual([
      live.dir.split('/').pop(),
    ]);
  });

  it('removes checkpoints of keys no run names', async () => {
    const named = keyOf('named');
    const orphan = keyOf('orphan');
    const locked = keyOf('locked');
    for (const key of [named, orphan, locked]) {
      await writeFile(join(await store.workDir(key), 'epoch-3.ckpt'), 'x');
    }

    await writeRunRecord('20260101-000000-aaaa', [named]);
    await writeLock(locked, process.ppid);
    const report = await collectGarbage(store);
    expect(report.removedWork).toEqual([orphan]);
    expect((await readdir(store.layout.work)).sort()).toEqual(
      [named, locked].sort(),
    );
  });

  it('stops on a damaged run record', async () => {
    await publishFiles(store, keyOf('a'), { 'a.txt': '1' });
    await writeFile(join(store.layout.runs, 'broken.json'), '{"id":');
    await expect(collectGarbage(store)).rejects.toThrow(/not valid JSON/);
    expect(await readdir(store.layout.objects)).toHaveLength(1);
  });
});
