/**
 * Turning file bytes into text: the byte-order mark is dropped, UTF-8 is
 * validated line by line so an invalid byte is reported with its line, and
 * Latin-1 (ISO-8859-1) maps each byte to the code point of the same value.
 */
import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { DataError, quoteValue } from './errors.js';

/** Text encodings the readers accept. */
export type TextEncoding = 'utf-8' | 'latin1';

const utf8Bom = [0xef, 0xbb, 0xbf];
const newlineByte = 0x0a;

/**
 * Decodes `bytes` read from `file`. Raises a `DataError` with reason
 * `invalid-utf8` and the 1-based line of the first invalid sequence.
 */
export function decodeText(
  bytes: Uint8Array,
  encoding: TextEncoding,
  file: string,
): string {
  const body = hasUtf8Bom(bytes) ? bytes.subarray(utf8Bom.length) : bytes;
  if (encoding === 'latin1') {
    return Buffer.from(body.buffer, body.byteOffset, body.length).toString(
      'latin1',
    );
  }

  if (!isUtf8(body)) {
    throw invalidUtf8Error(body, file, hasUtf8Bom(bytes));
  }

  return new TextDecoder('utf-8').decode(body);
}

/**
 * Reads and decodes a whole file. A missing file raises `missing-file`.
 */
export async function readTextFile(
  file: string,
  encoding: TextEncoding,
): Promise<string> {
  return decodeText(await readBytes(file), encoding, file);
}

/** Reads a file's bytes, turning "not found" into a `DataError`. */
export async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DataError(
        'missing-file',
        'File not found. Check the path, or the data folder ' +
          '(`--data-dir` or `DISTILLERY_DATA`).',
        { file, cause: error },
      );
    }

    throw error;
  }
}

function hasUtf8Bom(bytes: Uint8Array): boolean {
  return utf8Bom.every((byte, i) => bytes[i] === byte);
}

// A newline byte never occurs inside a valid multi-byte UTF-8 sequence, so
// checking each line on its own finds the line of the first invalid one.
function invalidUtf8Error(
  bytes: Uint8Array,
  file: string,
  hadBom: boolean,
): DataError {
  let start = 0;
  let line = 1;
  while (start <= bytes.length) {
    let end = bytes.indexOf(newlineByte, start);
    if (end === -1) {
      end = bytes.length;
    }

    const lineBytes = bytes.subarray(start, end);
    if (!isUtf8(lineBytes)) {
      const shown = new TextDecoder('utf-8').decode(lineBytes);
      return new DataError(
        'invalid-utf8',
        `Invalid UTF-8 in line ${quoteValue(shown)}. If the file is ` +
          'Latin-1 (ISO-8859-1), as MovieLens-100K `u.item` is, set ' +
          '`encoding: latin1`.',
        { file, line, value: shown },
      );
    }

    start = end + 1;
    line += 1;
  }

  return new DataError(
    'invalid-utf8',
    'Internal error: the file failed UTF-8 validation but no line did' +
      `${hadBom ? ' (after the byte-order mark)' : ''}.`,
    { file },
  );
}
