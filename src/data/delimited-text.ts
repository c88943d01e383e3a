/**
 * Splitting decoded text into records of fields. Delimited text follows
 * RFC 4180 quoting: a field that starts with `"` runs to the next unpaired
 * `"`, may contain delimiters and line breaks, and writes a quote as `""`.
 * Lines end in LF or CRLF; blank lines are skipped.
 */
import { DataError, quoteValue } from './errors.js';

/** One record and the 1-based line it starts on. */
export interface TextRecord {
  fields: string[];
  line: number;
}

/** How to split records. */
export interface SplitOptions {
  /** Field separator: one character, or `whitespace` for runs of blanks. */
  delimiter: string | 'whitespace';
  /** Whether `"` starts a quoted field. Default true for one character. */
  quoting?: boolean;
  /** File name, for error messages. */
  file: string;
}

const quote = '"';

/** Splits `text` into non-blank records, in file order. */
export function* splitRecords(
  text: string,
  options: SplitOptions,
): Generator<TextRecord> {
  const { delimiter } = options;
  if (delimiter !== 'whitespace' && [...delimiter].length !== 1) {
    throw new DataError(
      'invalid-option',
      `\`delimiter\` must be one character or \`whitespace\`; received ` +
        `${quoteValue(delimiter)}. Use for example \`,\`, \`|\` or \`\\t\`.`,
    );
  }

  const cursor = { position: 0, line: 1 };
  while (cursor.position < text.length) {
    const line = cursor.line;
    const raw = takeLine(text, cursor);
    if (raw.trim() === '') {
      continue;
    }

    if (delimiter === 'whitespace') {
      yield { fields: raw.trim().split(/\s+/), line };
    } else if (options.quoting === false || !raw.includes(quote)) {
      yield { fields: raw.split(delimiter), line };
    } else {
      yield {
        fields: parseQuoted(text, raw, cursor, delimiter, options),
        line,
      };
    }
  }
}

interface Cursor {
  /** Offset in the text of the next unread character. */
  position: number;
  /** 1-based line number at `position`. */
  line: number;
}

function takeLine(text: string, cursor: Cursor): string {
  let end = text.indexOf('\n', cursor.position);
  if (end === -1) {
    end = text.length;
  }

  const raw = text.slice(cursor.position, end);
  cursor.position = end + 1;
  cursor.line += 1;
  return raw.endsWith('\r') ? raw.slice(0, -1) : raw;
}

// Parses a record that contains a quote. A quoted field may continue onto
// the following lines, which are taken from the cursor as needed.
function parseQuoted(
  text: string,
  firstLine: string,
  cursor: Cursor,
  delimiter: string,
  options: SplitOptions,
): string[] {
  const startLine = cursor.line - 1;
  const fields: string[] = [];
  let line = firstLine;
  let i = 0;
  for (;;) {
    if (line[i] !== quote) {
      let end = line.indexOf(delimiter, i);
      if (end === -1) {
        end = line.length;
      }

      fields.push(line.slice(i, end));
      if (end === line.length) {
        return fields;
      }

      i = end + 1;
      continue;
    }

    let value = '';
    i += 1;
    for (;;) {
      const close = line.indexOf(quote, i);
      if (close === -1) {
        if (cursor.position >= text.length) {
          throw new DataError(
            'unterminated-quote',
            'A quoted field is never closed: the file ends inside it. ' +
              'Add the closing `"`, and write quotes inside a quoted ' +
              'field as `""`.',
            { file: options.file, line: startLine, value: firstLine },
          );
        }

        value += `${line.slice(i)}\n`;
        line = takeLine(text, cursor);
        i = 0;
        continue;
      }

      value += line.slice(i, close);
      if (line[close + 1] === quote) {
        value += quote;
        i = close + 2;
        continue;
      }

      i = close + 1;
      break;
    }

    fields.push(value);
    if (i === line.length) {
      return fields;
    }

    if (line[i] !== delimiter) {
      throw new DataError(
        'malformed-row',
        `Unexpected ${quoteValue(line[i])} after the closing quote of a ` +
          `field in ${quoteValue(firstLine)}. A quoted field must be ` +
          'followed by the delimiter or the end of the line; write quotes ' +
          'inside it as `""`.',
        { file: options.file, line: startLine, value: firstLine },
      );
    }

    i += 1;
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}
