import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  datasetFiles,
  decodeSequences,
  encodeSequences,
  readDataset,
  writeDataset,
} from '../src/data/artifact.js';
import type { Dataset } from '../src/data/dataset.js';
import { DataError } from '../src/data/errors.js';

const dataset: Dataset = {
  stats: {
    source: 'hand-made',
    rawInteractions: 9,
    interactions: 7,
    users: 2,
    items: 3,
    duplicatesDropped: 1,
    usersDropped: 1,
    itemsDropped: 0,
    meanHistory: 3.5,
    medianHistory: 3.5,
    maxHistory: 4,
    density: 7 / 6,
    testOnlyItems: 0,
  },
  numItems: 3,
  sequences: [
    [1, 2, 3],
    [3, 3, 1, 2],
  ],
  items: [
    {
      index: 1,
      originalId: '10',
      title: 'Misérables, Les (1995)',
      genres: ['Drama'],
      year: 1995,
    },
    { index: 2, originalId: '20', title: '', genres: [] },
    { index: 3, originalId: '30', title: 'C', genres: ['A', 'B'] },
  ],
  userIds: ['5', '7'],
};

const scratchDirs: string[] = [];

afterAll(async () => {
  await Promise.all(
    scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })),
  );
});

async function freshDir() {
  const dir = await mkdtemp(path.join(tmpdir(), 'distillery-artifact-'));
  scratchDirs.push(dir);
  return dir;
}

describe('dataset artifact', () => {
  it('round-trips a dataset', async () => {
    const dir = await freshDir();
    await writeDataset(dir, dataset);
    expect(await readDataset(dir)).toEqual(dataset);
  });

  it('stores sequences as offsets and values', () => {
    const bytes = encodeSequences(dataset.sequences);
    const values = new Int32Array(bytes.buffer.slice(0));
    expect([...values]).toEqual([0, 3, 7, 1, 2, 3, 3, 3, 1, 2]);
  });

  it('decodes from an unaligned buffer', () => {
    const bytes = encodeSequences(dataset.sequences);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const decoded = decodeSequences(shifted.subarray(1), 2, 3, 'f');
    expect(decoded).toEqual(dataset.sequences);
  });

  it('rejects a truncated sequences file', async () => {
    const dir = await freshDir();
    await writeDataset(dir, dataset);
    const file = path.join(dir, datasetFiles.sequences);
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 4));
    const error = await readDataset(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).reason).toBe('invalid-artifact');
    expect((error as DataError).file).toBe(file);
  });

  it('rejects item indices out of range', () => {
    const bytes = encodeSequences([[1, 4]]);
    expect(() => decodeSequences(bytes, 1, 3, 'f')).toThrow(
      /item index 4 is outside 1\.\.3/,
    );
  });

  it('rejects another format version', async () => {
    const dir = await freshDir();
    await writeDataset(dir, dataset);
    const file = path.join(dir, datasetFiles.header);
    const header = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...header, formatVersion: 99 }));
    await expect(readDataset(dir)).rejects.toThrow(/version 99/);
  });
});
