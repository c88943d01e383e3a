/**
 * Reader of plain `user item` lines separated by blanks, one interaction per
 * line, without timestamps: the order of lines in the file is the time
 * order of each user's history.
 */
import type { RawData } from '../interactions.js';
import type { TextEncoding } from '../decode.js';
import { readRecordFile } from './records.js';
import { parseTextId, requireExactFields } from './fields.js';

/** Reads `user item` lines from `file`. */
export async function readUserItemLines(
  file: string,
  encoding: TextEncoding,
): Promise<RawData> {
  const { records } = await readRecordFile(file, {
    encoding,
    delimiter: 'whitespace',
    header: false,
  });
  const interactions = records.map((record, order) => {
    requireExactFields(
      record,
      2,
      file,
      'user and item separated by blanks; for more columns use ' +
        '`format: delimited`',
    );
    const [user, item] = record.fields;
    return {
      user: parseTextId(user, { file, record, column: 'user' }),
      item: parseTextId(item, { file, record, column: 'item' }),
      timestamp: order,
      order,
    };
  });
  return { interactions, items: new Map(), hasRatings: false, files: [file] };
}
