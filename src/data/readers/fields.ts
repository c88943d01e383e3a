/**
 * Parsing single fields of a record, with errors that name the file, line,
 * column and value.
 */
import { DataError, quoteValue } from '../errors.js';
import type { TextRecord } from '../delimited-text.js';
import type { RawInteraction } from '../interactions.js';

/** Location of a field in its file, for error messages. */
export interface FieldSource {
  file: string;
  record: TextRecord;
  /** Column name, as the header or the format documentation calls it. */
  column: string;
}

const integerPattern = /^[0-9]+$/;

/** Parses a non-negative integer id; raises `invalid-id` otherwise. */
export function parseIntegerId(value: string, source: FieldSource): string {
  const trimmed = value.trim();
  if (!integerPattern.test(trimmed)) {
    throw new DataError(
      'invalid-id',
      `Column \`${source.column}\` must be a non-negative integer id; ` +
        `received ${quoteValue(value)}. Fix or remove the row.`,
      { file: source.file, line: source.record.line, value },
    );
  }

  // Leading zeros are dropped so `007` and `7` name the same id.
  return String(Number(trimmed));
}

/** Checks a free-form id is not empty; raises `invalid-id` otherwise. */
export function parseTextId(value: string, source: FieldSource): string {
  const trimmed = value.trim();
  if (trimmed === '') {
    throw new DataError(
      'invalid-id',
      `Column \`${source.column}\` is empty; every row needs an id. Fix ` +
        'or remove the row.',
      { file: source.file, line: source.record.line, value },
    );
  }

  return trimmed;
}

/** Parses a finite numeric timestamp; raises `invalid-timestamp`. */
export function parseTimestamp(value: string, source: FieldSource): number {
  const parsed = parseNumber(value);
  if (parsed === undefined) {
    throw new DataError(
      'invalid-timestamp',
      `Column \`${source.column}\` must be a number (for example Unix ` +
        `seconds); received ${quoteValue(value)}. Convert dates to Unix ` +
        'time, or leave out the timestamp column to use the file order.',
      { file: source.file, line: source.record.line, value },
    );
  }

  return parsed;
}

/** Parses a finite numeric rating; raises `invalid-rating`. */
export function parseRating(value: string, source: FieldSource): number {
  const parsed = parseNumber(value);
  if (parsed === undefined) {
    throw new DataError(
      'invalid-rating',
      `Column \`${source.column}\` must be a number; received ` +
        `${quoteValue(value)}. Fix the row, or leave out the rating column.`,
      { file: source.file, line: source.record.line, value },
    );
  }

  return parsed;
}

/** Raises `short-row` when `record` has fewer than `count` fields. */
export function requireFields(
  record: TextRecord,
  count: number,
  file: string,
  layout: string,
): void {
  if (record.fields.length < count) {
    throw new DataError(
      'short-row',
      `Expected at least ${count} fields (${layout}); received ` +
        `${record.fields.length}: ${quoteValue(record.fields.join(' | '))}. ` +
        'Check the delimiter and fix or remove the row.',
      { file, line: record.line, value: record.fields.join(' | ') },
    );
  }
}

/** Raises `malformed-row` when `record` does not have exactly `count`. */
export function requireExactFields(
  record: TextRecord,
  count: number,
  file: string,
  layout: string,
): void {
  requireFields(record, count, file, layout);
  if (record.fields.length > count) {
    throw new DataError(
      'malformed-row',
      `Expected ${count} fields (${layout}); received ` +
        `${record.fields.length}: ${quoteValue(record.fields.join(' | '))}. ` +
        'Check the delimiter and fix or remove the row.',
      { file, line: record.line, value: record.fields.join(' | ') },
    );
  }
}

function parseNumber(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '') {
    return undefined;
  }

  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * Parses the first four fields of a MovieLens rating record: integer user
 * and item ids, a rating and a timestamp. `columns` names them for errors.
 */
export function parseRatingRecord(
  record: TextRecord,
  order: number,
  file: string,
  columns: readonly [string, string, string, string],
): RawInteraction {
  const [user, item, rating, timestamp] = record.fields;
  const source = (column: string) => ({ file, record, column });
  return {
    user: parseIntegerId(user, source(columns[0])),
    item: parseIntegerId(item, source(columns[1])),
    rating: parseRating(rating, source(columns[2])),
    timestamp: parseTimestamp(timestamp, source(columns[3])),
    order,
  };
}
