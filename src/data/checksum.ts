/** SHA-256 of files, and checking files against pinned digests. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { readBytes } from './decode.js';
import { DataError } from './errors.js';

/** Hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Checks that every file named in `pins` (relative to `folder`) exists and
 * has the pinned SHA-256. `fix` finishes the mismatch message.
 */
export async function verifyPinnedFiles(
  folder: string,
  pins: Readonly<Record<string, string>>,
  fix: string,
): Promise<void> {
  for (const [name, expected] of Object.entries(pins)) {
    const file = path.join(folder, name);
    const actual = sha256Hex(await readBytes(file));
    if (actual !== expected) {
      throw new DataError(
        'checksum-mismatch',
        `SHA-256 mismatch: expected ${expected}, computed ${actual}, so ` +
          `the file is not the published one. ${fix}`,
        { file, value: actual },
      );
    }
  }
}
