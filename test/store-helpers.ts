import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheKey } from '../src/nodes/node-type.js';
import { sha256Hex } from '../src/hashing/index.js';
import { Store } from '../src/store/index.js';

/** A fresh store in a temporary folder. */
export async function temporaryStore(): Promise<{
  store: Store;
  cleanup(): Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), 'distillery-store-'));
  const store = new Store(join(root, 'artifacts'));
  await store.init();
  return { store, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A cache-key-shaped string derived from `label`. */
export function keyOf(label: string): CacheKey {
  return sha256Hex(label) as CacheKey;
}

/** Publishes an artifact with the given files under `key`. */
export async function publishFiles(
  store: Store,
  key: CacheKey,
  files: Record<string, string>,
) {
  const staging = await store.createStaging();
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(staging.dir, path, '..'), { recursive: true });
    await writeFile(join(staging.dir, path), content);
  }

  return store.publish(staging, {
    key,
    kind: 'model',
    producer: 'student',
    summary: { note: 'hello' },
    metrics: { loss: 0.5 },
  });
}

/** Returns the pid of a process that has already exited. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}
