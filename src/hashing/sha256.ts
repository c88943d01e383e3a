/** SHA-256 helpers over strings, buffers, files and folders. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { canonicalJson } from './canonical-json.js';

/** Returns the hex SHA-256 of a string (as UTF-8) or a buffer. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Returns the hex SHA-256 of the canonical JSON of `value`. */
export function sha256Json(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** Size and content hash of one file. */
export interface FileHash {
  size: number;
  sha256: string;
}

/** Streams a file through SHA-256, so large model files stay off the heap. */
export async function sha256File(path: string): Promise<FileHash> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    hash.update(bytes);
  }

  return { size, sha256: hash.digest('hex') };
}

/**
 * Lists the regular files under `dir` as `/`-separated paths relative to
 * it, sorted. Symbolic links and other special files are not followed.
 */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .map((path) => path.split(sep).join('/'))
    .sort();
}

/**
 * Returns the content digest of a file or a folder. A folder's digest is
 * the SHA-256 of the canonical JSON of its files' relative paths and
 * hashes, so renaming a file inside it changes the digest and touching a
 * modification time does not.
 */
export async function sha256Path(path: string): Promise<string> {
  const info = await stat(path);
  if (!info.isDirectory()) return (await sha256File(path)).sha256;

  const files: Record<string, string> = {};
  for (const file of await listFiles(path)) {
    files[file] = (await sha256File(join(path, file))).sha256;
  }

  return sha256Json({ folder: files });
}
