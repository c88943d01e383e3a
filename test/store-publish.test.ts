import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Store,
  artifactDigest,
  readManifest,
  verifyStore,
} from '../src/store/index.js';
import { keyOf, publishFiles, temporaryStore } from './store-helpers.js';

let store: Store;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ store, cleanup } = await temporaryStore());
});

afterEach(async () => {
  await cleanup();
});

describe('store publish and lookup', () => {
  it('publishes files with a manifest and finds them', async () => {
    const key = keyOf('a');
    const ref = await publishFiles(store, key, {
      'weights.bin': 'abc',
      'nested/config.json': '{}',
    });

    expect(ref.dir).toBe(join(store.layout.objects, key));
    expect(ref.kind).toBe('model');
    expect(ref.producer).toBe('student');
    expect(ref.summary).toEqual({ note: 'hello' });

    const manifest = await readManifest(ref.dir);
    expect(manifest?.files.map((file) => file.path)).toEqual([
      'nested/config.json',
      'result.json',
      'weights.bin',
    ]);
    expect(manifest?.files[2].size).toBe(3);
    expect(ref.digest).toBe(artifactDigest('model', manifest!.files));

    const found = await store.lookup(key);
    expect(found).toEqual(ref);
    expect(await readdir(store.layout.tmp)).toEqual([]);
  });

  it('gives equal content equal digests under different keys', async () => {
    const first = await publishFiles(store, keyOf('a'), { 'x.txt': '1' });
    const second = await publishFiles(store, keyOf('b'), { 'x.txt': '1' });
    const third = await publishFiles(store, keyOf('c'), { 'x.txt': '2' });
    expect(second.digest).toBe(first.digest);
    expect(third.digest).not.toBe(first.digest);
  });

  it('misses a key that was never published', async () => {
    expect(await store.lookup(keyOf('nothing'))).toBeUndefined();
  });

  it('misses a folder without manifest', async () => {
    const ref = await publishFiles(store, keyOf('a'), { 'x.txt': '1' });
    await rm(join(ref.dir, 'manifest.json'));
    expect(await store.lookup(keyOf('a'))).toBeUndefined();
  });

  it.each([
    ['edited file', 'x.txt', 'tampered, and longer'],
    ['added file', 'extra.txt', 'new'],
  ])('quarantines an artifact with an %s', async (_case, path, content) => {
    const quarantined: string[] = [];
    const key = keyOf('a');
    const ref = await publishFiles(store, key, { 'x.txt': 'original' });
    const watched = new Store(store.root, {
      onQuarantine: (event) => quarantined.push(event.problem.reason),
    });
    await writeFile(join(ref.dir, path), content);

    expect(await watched.lookup(key)).toBeUndefined();
    expect(await readdir(store.layout.objects)).toEqual([]);
    const moved = await readdir(store.layout.quarantine);
    expect(moved).toHaveLength(1);
    expect(moved[0].startsWith(key)).toBe(true);
    expect(quarantined).toEqual([
      path === 'x.txt' ? 'size-mismatch' : 'unlisted-file',
    ]);
  });

  it('detects a same-size edit by its hash', async () => {
    const key = keyOf('a');
    const ref = await publishFiles(store, key, { 'x.txt': 'aaaa' });
    await writeFile(join(ref.dir, 'x.txt'), 'bbbb');
    const report = await verifyStore(store);
    expect(report.valid).toBe(0);
    expect(report.findings).toEqual([
      {
        reason: 'invalid-artifact',
        key,
        problem: {
          reason: 'hash-mismatch',
          path: 'x.txt',
          expected: expect.stringMatching(/^[0-9a-f]{64}$/),
          actual: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      },
    ]);
  });

  it('keeps the first artifact when a second publish races it', async () => {
    const key = keyOf('a');
    const first = await publishFiles(store, key, { 'x.txt': 'first' });
    const second = await publishFiles(store, key, { 'x.txt': 'second' });
    expect(second).toEqual(first);
    expect(await readFile(join(first.dir, 'x.txt'), 'utf8')).toBe('first');
    expect(await readdir(store.layout.tmp)).toEqual([]);
  });

  it('removes the work folder after publishing', async () => {
    const key = keyOf('a');
    const work = await store.workDir(key);
    await writeFile(join(work, 'checkpoint.json'), '{}');
    await publishFiles(store, key, { 'x.txt': '1' });
    expect(await readdir(store.layout.work)).toEqual([]);
  });

  it('rejects a summary that JSON cannot represent', async () => {
    const staging = await store.createStaging();
    const result = store.publish(staging, {
      key: keyOf('a'),
      kind: 'model',
      producer: 'student',
      summary: { loss: Number.NaN },
    });
    await expect(result).rejects.toThrow(/`\$\.summary\.loss`/);
    expect(await store.lookup(keyOf('a'))).toBeUndefined();
  });

  it('verifies a healthy store with no findings', async () => {
    await publishFiles(store, keyOf('a'), { 'x.txt': '1' });
    await publishFiles(store, keyOf('b'), { 'y.txt': '2' });
    expect(await verifyStore(store)).toEqual({ valid: 2, findings: [] });
  });
});
