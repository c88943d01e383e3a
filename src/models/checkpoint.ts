/**
 * Training checkpoints: one file, `checkpoint.bin`, in the node's work
 * folder, replaced atomically at the end of every epoch. Layout: the ASCII
 * magic `DSTLCKP1`, a little-endian uint32 header length, the UTF-8 JSON
 * header (metadata and the tensor table), then the float32 tensor values
 * back to back in table order.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.js';

/** File name of the checkpoint inside the work folder. */
export const CHECKPOINT_FILE = 'checkpoint.bin';

const MAGIC = 'DSTLCKP1';

/** A checkpoint: JSON metadata plus named float32 arrays. */
export interface Checkpoint<M> {
  meta: M;
  tensors: Map<string, Float32Array>;
}

interface TensorEntry {
  name: string;
  length: number;
}

interface Header<M> {
  meta: M;
  tensors: TensorEntry[];
}

/** Writes a checkpoint into `dir`, replacing any earlier one atomically. */
export async function saveCheckpoint<M>(
  dir: string,
  checkpoint: Checkpoint<M>,
): Promise<void> {
  const entries: TensorEntry[] = [];
  const bodies: Uint8Array[] = [];
  for (const [name, values] of checkpoint.tensors) {
    entries.push({ name, length: values.length });
    bodies.push(
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    );
  }
  const header = Buffer.from(
    JSON.stringify({ meta: checkpoint.meta, tensors: entries }),
    'utf8',
  );
  const prefix = Buffer.alloc(MAGIC.length + 4);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(header.length, MAGIC.length);
  await writeFileAtomic(
    join(dir, CHECKPOINT_FILE),
    Buffer.concat([prefix, header, ...bodies]),
  );
}

/** Reads the checkpoint in `dir`, or returns undefined when there is none. */
export async function loadCheckpoint<M>(
  dir: string,
): Promise<Checkpoint<M> | undefined> {
  const path = join(dir, CHECKPOINT_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (bytes.toString('ascii', 0, MAGIC.length) !== MAGIC) {
    throw new Error(
      `Checkpoint \`${path}\` does not start with \`${MAGIC}\`: delete it ` +
        'to train from the start.',
    );
  }
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  const header = JSON.parse(
    bytes.toString('utf8', headerStart, headerStart + headerLength),
  ) as Header<M>;
  return {
    meta: header.meta,
    tensors: readTensors(
      bytes,
      headerStart + headerLength,
      header.tensors,
      path,
    ),
  };
}

function readTensors(
  bytes: Buffer,
  start: number,
  entries: TensorEntry[],
  path: string,
): Map<string, Float32Array> {
  const tensors = new Map<string, Float32Array>();
  let offset = start;
  for (const entry of entries) {
    const byteLength = entry.length * 4;
    if (offset + byteLength > bytes.length) {
      throw new Error(
        `Checkpoint \`${path}\` is truncated at tensor \`${entry.name}\`: ` +
          'delete it to train from the start.',
      );
    }
    // Copy into a fresh, aligned buffer: Buffer slices may start at an
    // offset that is not a multiple of 4.
    const values = new Float32Array(entry.length);
    new Uint8Array(values.buffer).set(
      bytes.subarray(offset, offset + byteLength),
    );
    tensors.set(entry.name, values);
    offset += byteLength;
  }
  return tensors;
}
