import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemInfo } from '../src/data/dataset.js';
import { loadItemEmbeddings } from '../src/data/embeddings-file.js';
import { catchDataError } from './data-helpers.js';

const items: ItemInfo[] = ['101', '7', '55'].map((originalId, i) => ({
  index: i + 1,
  originalId,
  title: '',
  genres: [],
}));

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'distillery-embeddings-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function write(name: string, content: string) {
  const file = path.join(scratch, name);
  await writeFile(file, content);
  return file;
}

describe('loadItemEmbeddings', () => {
  it('aligns JSON lines with item indices', async () => {
    const file = await write(
      'vectors.jsonl',
      '{"item": "55", "vector": [5, 6]}\n' +
        '{"item": 101, "vector": [1, 2.5]}\n' +
        '{"item": "7", "vector": [-3, 4]}\n',
    );
    const loaded = await loadItemEmbeddings(file, items, { dimension: 2 });
    expect(loaded.matrix).toBeInstanceOf(Float32Array);
    expect([...loaded.matrix]).toEqual([0, 0, 1, 2.5, -3, 4, 5, 6]);
    expect(loaded.coverage).toBe(1);
    expect(loaded.missing).toBe(0);
  });

  it('reads TSV with CRLF line ends', async () => {
    const file = await write(
      'vectors.tsv',
      '7\t1 2 3\r\n101\t4  5 6\r\n55\t7 8 9\r\n',
    );
    const loaded = await loadItemEmbeddings(file, items, { dimension: 3 });
    expect([...loaded.matrix.slice(3)]).toEqual([4, 5, 6, 1, 2, 3, 7, 8, 9]);
  });

  it('zeroes and counts missing items', async () => {
    const file = await write('partial.tsv', '7\t1 1\n101\t2 2\n999\t3 3\n');
    const loaded = await loadItemEmbeddings(file, items, {
      dimension: 2,
      minCoverage: 0.5,
    });
    expect(loaded.covered).toBe(2);
    expect(loaded.missing).toBe(1);
    expect(loaded.coverage).toBeCloseTo(2 / 3);
    expect(loaded.unused).toBe(1);
    expect([...loaded.matrix.slice(6, 8)]).toEqual([0, 0]);
  });

  it('fails under minCoverage', async () => {
    const file = await write('sparse.tsv', '7\t1 1\n');
    const error = await catchDataError(
      loadItemEmbeddings(file, items, { dimension: 2, minCoverage: 0.5 }),
    );
    expect(error.reason).toBe('low-coverage');
    expect(error.message).toContain('Only 1 of 3 items');
    expect(error.message).toContain('50.0%');
  });

  it('rejects a dimension mismatch with its line', async () => {
    const file = await write(
      'mismatch.jsonl',
      '{"item": "7", "vector": [1, 2]}\n\n{"item": "55", "vector": [1, 2, 3]}\n',
    );
    const error = await catchDataError(
      loadItemEmbeddings(file, items, { dimension: 2 }),
    );
    expect(error.reason).toBe('dimension-mismatch');
    expect(error.file).toBe(file);
    expect(error.line).toBe(3);
    expect(error.message).toContain('has 3 values; expected 2');
    expect(error.message.startsWith(`${file}:3: `)).toBe(true);
  });

  it('rejects a duplicate item', async () => {
    const file = await write('dup.tsv', '7\t1\n55\t2\n7\t3\n');
    const error = await catchDataError(
      loadItemEmbeddings(file, items, { dimension: 1, minCoverage: 0 }),
    );
    expect(error.reason).toBe('duplicate-id');
    expect(error.line).toBe(3);
    expect(error.message).toContain('line 1');
  });

  it('rejects non-numeric components', async () => {
    const file = await write('nan.tsv', '7\t1 x\n');
    const error = await catchDataError(
      loadItemEmbeddings(file, items, { dimension: 2, minCoverage: 0 }),
    );
    expect(error.reason).toBe('invalid-vector');
    expect(error.value).toBe('x');
    expect(error.line).toBe(1);
  });

  it('rejects a TSV line without a tab', async () => {
    const file = await write('spaces.tsv', '7 1 2\n');
    const error = await catchDataError(
      loadItemEmbeddings(file, items, { dimension: 2, minCoverage: 0 }),
    );
    expect(error.reason).toBe('malformed-row');
  });

  it('rejects a JSON line without a vector', async () => {
    const file = await write(
      'novector.jsonl',
      '{"item": "7", "values": [1]}\n',
    );
    const error = await catchDataError(
      loadItemEmbeddings(file, items, { dimension: 1, minCoverage: 0 }),
    );
    expect(error.reason).toBe('malformed-row');
    expect(error.line).toBe(1);
  });

  it('rejects an empty file', async () => {
    const file = await write('empty.jsonl', '\n');
    const error = await catchDataError(
      loadItemEmbeddings(file, items, { dimension: 1 }),
    );
    expect(error.reason).toBe('empty-file');
  });
});
