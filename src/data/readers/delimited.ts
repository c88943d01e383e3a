/**
 * Reader of any delimited interaction file with a column mapping: which
 * column contains the user, the item and, optionally, the timestamp and the
 * rating. Without a timestamp column the file order is the time order.
 */
import type { RawData, RawInteraction } from '../interactions.js';
import type { TextEncoding } from '../decode.js';
import type { TextRecord } from '../delimited-text.js';
import { readRecordFile } from './records.js';
import {
  parseRating,
  parseTextId,
  parseTimestamp,
  requireFields,
} from './fields.js';
import { DataError, quoteValue } from '../errors.js';

/** A column: its header name, or its 1-based position. */
export type ColumnRef = string | number;

/** Column of each field of an interaction. */
export interface ColumnMapping {
  user: ColumnRef;
  item: ColumnRef;
  timestamp?: ColumnRef;
  rating?: ColumnRef;
}

/** Options of {@link readDelimited}. */
export interface DelimitedOptions {
  /** Field separator: one character, `\t` or `tab`, or `whitespace`. */
  delimiter: string;
  /** Whether the first line names the columns. */
  header: boolean;
  columns: ColumnMapping;
  encoding: TextEncoding;
}

type Role = keyof ColumnMapping;

/** Reads interactions from a delimited file. */
export async function readDelimited(
  file: string,
  options: DelimitedOptions,
): Promise<RawData> {
  const { header, records } = await readRecordFile(file, {
    encoding: options.encoding,
    delimiter: normalizeDelimiter(options.delimiter),
    header: options.header,
  });
  const positions = resolveColumns(options.columns, header, file);
  const needed = Math.max(...Object.values(positions)) + 1;
  const layout = describeLayout(positions);
  const interactions = records.map((record, order): RawInteraction => {
    requireFields(record, needed, file, layout);
    return parseRecord(record, order, positions, file);
  });
  return {
    interactions,
    items: new Map(),
    hasRatings: positions.rating !== undefined,
    files: [file],
  };
}

/** Maps the spellings `\t` and `tab` to a tab character. */
export function normalizeDelimiter(delimiter: string): string {
  return delimiter === '\\t' || delimiter === 'tab' ? '\t' : delimiter;
}

function parseRecord(
  record: TextRecord,
  order: number,
  positions: Partial<Record<Role, number>>,
  file: string,
): RawInteraction {
  const field = (role: Role) => record.fields[positions[role]!];
  const source = (column: string) => ({ file, record, column });
  const interaction: RawInteraction = {
    user: parseTextId(field('user'), source('user')),
    item: parseTextId(field('item'), source('item')),
    timestamp:
      positions.timestamp === undefined
        ? order
        : parseTimestamp(field('timestamp'), source('timestamp')),
    order,
  };
  if (positions.rating !== undefined) {
    interaction.rating = parseRating(field('rating'), source('rating'));
  }

  return interaction;
}

// Turns the mapping into 0-based positions, checking names against the
// header and numbers against the rule that columns count from 1.
function resolveColumns(
  columns: ColumnMapping,
  header: TextRecord | undefined,
  file: string,
): Partial<Record<Role, number>> {
  const positions: Partial<Record<Role, number>> = {};
  for (const role of ['user', 'item', 'timestamp', 'rating'] as const) {
    const ref = columns[role];
    if (ref !== undefined) {
      positions[role] = resolveColumn(role, ref, header, file);
    }
  }

  return positions;
}

function resolveColumn(
  role: Role,
  ref: ColumnRef,
  header: TextRecord | undefined,
  file: string,
): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 1) {
      throw new DataError(
        'invalid-option',
        `\`columns.${role}\` must be a column name or a 1-based column ` +
          `number; received ${ref}. The first column is 1.`,
      );
    }

    return ref - 1;
  }

  if (header === undefined) {
    throw new DataError(
      'invalid-option',
      `\`columns.${role}\` names the column ${quoteValue(ref)}, but ` +
        '`header` is false, so columns have no names. Set `header: true` ' +
        'or give the 1-based column number.',
    );
  }

  const names = header.fields.map((name) => name.trim());
  const index = names.indexOf(ref);
  if (index === -1) {
    throw new DataError(
      'missing-column',
      `\`columns.${role}\` names the column ${quoteValue(ref)}, which the ` +
        `header does not contain; the header has ${names
          .map((name) => `\`${name}\``)
          .join(', ')}. Fix \`columns.${role}\`.`,
      { file, line: header.line, value: ref },
    );
  }

  return index;
}

function describeLayout(positions: Partial<Record<Role, number>>): string {
  return Object.entries(positions)
    .map(([role, index]) => `${role} in column ${index! + 1}`)
    .join(', ');
}
