import { mkdtemp, rm, writeFile, mkdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clearFingerprintCache,
  fingerprintImplementation,
  FingerprintError,
  sha256Path,
} from '../src/hashing/index.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'distillery-fingerprint-'));
  await mkdir(join(dir, 'lib'));
  await writeFile(
    join(dir, 'node.ts'),
    "import { helper } from './lib/helper.js';\nexport const n = helper;\n",
  );
  await writeFile(
    join(dir, 'lib', 'helper.ts'),
    "export { deep } from './deep.js';\nexport const helper = 1;\n",
  );
  await writeFile(join(dir, 'lib', 'deep.ts'), 'export const deep = 1;\n');
  await writeFile(join(dir, 'unrelated.ts'), 'export const x = 1;\n');
  clearFingerprintCache();
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fingerprintImplementation', () => {
  it('accepts a path or a file URL', async () => {
    const byPath = await fingerprintImplementation(join(dir, 'node.ts'));
    clearFingerprintCache();
    const url = pathToFileURL(join(dir, 'node.ts')).href;
    expect(await fingerprintImplementation(url)).toBe(byPath);
  });

  it('changes when a transitively imported file changes', async () => {
    const before = await fingerprintImplementation(join(dir, 'node.ts'));
    await writeFile(join(dir, 'lib', 'deep.ts'), 'export const deep = 2;\n');
    clearFingerprintCache();
    const after = await fingerprintImplementation(join(dir, 'node.ts'));
    expect(after).not.toBe(before);
  });

  it('ignores files the module does not import', async () => {
    const before = await fingerprintImplementation(join(dir, 'node.ts'));
    await writeFile(join(dir, 'unrelated.ts'), 'export const x = 2;\n');
    clearFingerprintCache();
    expect(await fingerprintImplementation(join(dir, 'node.ts'))).toBe(before);
  });

  it('does not depend on where the folder lives', async () => {
    const before = await fingerprintImplementation(join(dir, 'node.ts'));
    const copy = await mkdtemp(join(tmpdir(), 'distillery-fingerprint-'));
    await mkdir(join(copy, 'lib'));
    for (const file of ['node.ts', 'lib/helper.ts', 'lib/deep.ts']) {
      const { readFile } = await import('node:fs/promises');
      await writeFile(join(copy, file), await readFile(join(dir, file)));
    }

    expect(await fingerprintImplementation(join(copy, 'node.ts'))).toBe(before);
    await rm(copy, { recursive: true, force: true });
  });

  it('is memoised per process', async () => {
    const before = await fingerprintImplementation(join(dir, 'node.ts'));
    await writeFile(join(dir, 'lib', 'deep.ts'), 'export const deep = 3;\n');
    expect(await fingerprintImplementation(join(dir, 'node.ts'))).toBe(before);
  });

  it('names a relative import that resolves to no file', async () => {
    await writeFile(join(dir, 'broken.ts'), "import './missing.js';\n");
    const result = fingerprintImplementation(join(dir, 'broken.ts'));
    await expect(result).rejects.toBeInstanceOf(FingerprintError);
    await expect(result).rejects.toThrow(/`\.\/missing\.js`/);
  });
});

describe('sha256Path', () => {
  it('hashes folders by content, not by modification time', async () => {
    const before = await sha256Path(join(dir, 'lib'));
    const past = new Date('2020-01-01T00:00:00Z');
    await utimes(join(dir, 'lib', 'deep.ts'), past, past);
    expect(await sha256Path(join(dir, 'lib'))).toBe(before);

    await writeFile(join(dir, 'lib', 'deep.ts'), 'export const deep = 9;\n');
    expect(await sha256Path(join(dir, 'lib'))).not.toBe(before);
  });
});
