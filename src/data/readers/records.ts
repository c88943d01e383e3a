/**
 * Reading a whole delimited file into records, with the checks every
 * reader shares: the file must have data rows, and a header when expected.
 */
import { DataError } from '../errors.js';
import { readTextFile, type TextEncoding } from '../decode.js';
import { splitRecords, type TextRecord } from '../delimited-text.js';

/** How to read one file. */
export interface RecordFileOptions {
  encoding: TextEncoding;
  delimiter: string | 'whitespace';
  /** Whether the first record is a header of column names. */
  header: boolean;
  /** Whether `"` starts a quoted field. */
  quoting?: boolean;
}

/** A file's header (when it has one) and data records. */
export interface RecordFile {
  header?: TextRecord;
  records: TextRecord[];
}

/**
 * Reads `file` into records. Raises `empty-file` when it has no non-blank
 * line and `header-only` when a header is expected and nothing follows it.
 */
export async function readRecordFile(
  file: string,
  options: RecordFileOptions,
): Promise<RecordFile> {
  const text = await readTextFile(file, options.encoding);
  const records = [
    ...splitRecords(text, {
      delimiter: options.delimiter,
      quoting: options.quoting,
      file,
    }),
  ];
  if (records.length === 0) {
    throw new DataError(
      'empty-file',
      'The file has no data rows. Point `path` at a file with one ' +
        'interaction per line.',
      { file },
    );
  }

  if (!options.header) {
    return { records };
  }

  const [header, ...rows] = records;
  if (rows.length === 0) {
    throw new DataError(
      'header-only',
      'The file has a header line but no data rows. Point `path` at a ' +
        'file with interactions, or set `header: false` if the first line ' +
        'is data.',
      { file, line: header.line },
    );
  }

  return { header, records: rows };
}
