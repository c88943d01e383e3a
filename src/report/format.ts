/**
 * Renders a comparison in the format `distillery compare --format` names.
 */
import type { CompareTable } from './compare.js';
import { ReportError } from './errors.js';
import { formatCsv } from './format-csv.js';
import { formatMarkdown } from './format-markdown.js';
import { formatTable } from './format-table.js';

/** Output formats of `compare`. */
export const COMPARE_FORMATS = ['table', 'csv', 'json', 'markdown'] as const;

/** One of `COMPARE_FORMATS`. */
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/**
 * Renders a comparison. Throws `UNKNOWN_FORMAT` for a name outside
 * `COMPARE_FORMATS`.
 */
export function formatComparison(table: CompareTable, format: string): string {
  const known = parseFormat(format);
  switch (known) {
    case 'table':
      return formatTable(table);
    case 'csv':
      return formatCsv(table);
    case 'json':
      return `${JSON.stringify(table, null, 2)}\n`;
    case 'markdown':
      return formatMarkdown(table);
    default:
      return assertNever(known);
  }
}

function parseFormat(format: string): CompareFormat {
  if ((COMPARE_FORMATS as readonly string[]).includes(format)) {
    return format as CompareFormat;
  }

  throw new ReportError(
    'UNKNOWN_FORMAT',
    `Format \`${format}\` is not supported by \`compare\`: pass one of ` +
      `${COMPARE_FORMATS.join(', ')}.`,
  );
}

function assertNever(value: never): never {
  throw new Error(`Internal error: unhandled format ${String(value)}.`);
}
