/**
 * The on-disk form of a {@link Dataset}, as `load-data` writes it into its
 * artifact folder:
 *
 * - `dataset.json`: format version, stats, `numItems` and the original user
 *   ids in re-indexed order;
 * - `sequences.bin`: little-endian int32 values, first the `users + 1`
 *   offsets (user u's history is values `[offsets[u], offsets[u + 1])` of
 *   the part after them), then every history back to back;
 * - `items.json`: the item side information.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Dataset, DatasetStats, ItemInfo } from './dataset.js';
import { DataError } from './errors.js';

/** File names inside a dataset artifact folder. */
export const datasetFiles = {
  header: 'dataset.json',
  sequences: 'sequences.bin',
  items: 'items.json',
} as const;

/** Version of the layout above; readers reject other versions. */
export const datasetFormatVersion = 1;

interface DatasetHeader {
  formatVersion: number;
  stats: DatasetStats;
  numItems: number;
  userIds: string[];
}

const int32Bytes = 4;

/** Writes `dataset` into the existing folder `dir`. */
export async function writeDataset(
  dir: string,
  dataset: Dataset,
): Promise<void> {
  const header: DatasetHeader = {
    formatVersion: datasetFormatVersion,
    stats: dataset.stats,
    numItems: dataset.numItems,
    userIds: dataset.userIds,
  };
  await writeFile(
    path.join(dir, datasetFiles.header),
    `${JSON.stringify(header, null, 1)}\n`,
  );
  await writeFile(
    path.join(dir, datasetFiles.sequences),
    encodeSequences(dataset.sequences),
  );
  await writeFile(
    path.join(dir, datasetFiles.items),
    `${JSON.stringify(dataset.items)}\n`,
  );
}

/** Reads a dataset that {@link writeDataset} wrote, checking its layout. */
export async function readDataset(dir: string): Promise<Dataset> {
  const headerFile = path.join(dir, datasetFiles.header);
  const header = JSON.parse(
    await readFile(headerFile, 'utf8'),
  ) as DatasetHeader;
  if (header.formatVersion !== datasetFormatVersion) {
    throw new DataError(
      'invalid-artifact',
      `Unsupported dataset format version ${header.formatVersion}; this ` +
        `version of Distillery reads version ${datasetFormatVersion}. ` +
        'Re-run the `load-data` node.',
      { file: headerFile },
    );
  }

  const sequencesFile = path.join(dir, datasetFiles.sequences);
  const sequences = decodeSequences(
    await readFile(sequencesFile),
    header.userIds.length,
    header.numItems,
    sequencesFile,
  );
  const items = JSON.parse(
    await readFile(path.join(dir, datasetFiles.items), 'utf8'),
  ) as ItemInfo[];
  return {
    stats: header.stats,
    numItems: header.numItems,
    sequences,
    items,
    userIds: header.userIds,
  };
}

/** Encodes histories as offsets followed by values (see the file header). */
export function encodeSequences(sequences: readonly number[][]): Uint8Array {
  const total = sequences.reduce((sum, s) => sum + s.length, 0);
  const count = sequences.length + 1 + total;
  const view = new DataView(new ArrayBuffer(count * int32Bytes));
  let offset = 0;
  let position = sequences.length + 1;
  sequences.forEach((sequence, user) => {
    view.setInt32(user * int32Bytes, offset, true);
    for (const item of sequence) {
      view.setInt32(position * int32Bytes, item, true);
      position += 1;
    }

    offset += sequence.length;
  });
  view.setInt32(sequences.length * int32Bytes, offset, true);
  return new Uint8Array(view.buffer);
}

/** Decodes {@link encodeSequences} output, validating sizes and indices. */
export function decodeSequences(
  bytes: Uint8Array,
  users: number,
  numItems: number,
  file: string,
): number[][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = bytes.byteLength / int32Bytes;
  const base = users + 1;
  const total = values >= base ? view.getInt32(users * int32Bytes, true) : -1;
  if (!Number.isInteger(values) || total < 0 || base + total !== values) {
    throw invalidArtifact(
      file,
      `its size of ${bytes.byteLength} bytes ` +
        `does not match ${users} users`,
    );
  }

  const sequences: number[][] = [];
  for (let user = 0; user < users; user++) {
    const start = view.getInt32(user * int32Bytes, true);
    const end = view.getInt32((user + 1) * int32Bytes, true);
    if (start < 0 || end < start || end > total) {
      throw invalidArtifact(file, `user ${user} has offsets ${start}..${end}`);
    }

    const sequence = new Array<number>(end - start);
    for (let i = start; i < end; i++) {
      const item = view.getInt32((base + i) * int32Bytes, true);
      if (item < 1 || item > numItems) {
        throw invalidArtifact(
          file,
          `item index ${item} is outside ` + `1..${numItems}`,
        );
      }

      sequence[i - start] = item;
    }

    sequences.push(sequence);
  }

  return sequences;
}

function invalidArtifact(file: string, problem: string): DataError {
  return new DataError(
    'invalid-artifact',
    `The dataset artifact is damaged: ${problem}. Delete the artifact ` +
      'folder and re-run the `load-data` node.',
    { file },
  );
}
