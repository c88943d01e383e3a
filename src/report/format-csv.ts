/**
 * The CSV form of a comparison (RFC 4180): one line per row, metric values
 * at full precision with their interval, difference and p-value columns.
 */
import { labelHeader } from './cell-text.js';
import type { CompareRow, CompareTable } from './compare.js';
import type { MetricCell } from './metric-cells.js';

/** Renders a comparison as CSV with a header line. */
export function formatCsv(table: CompareTable): string {
  const header = [
    labelHeader(table),
    ...table.paramColumns,
    ...table.metricColumns.flatMap((c) => cellHeaders(table, c.id)),
  ];
  const lines = [header, ...table.rows.map((row) => rowFields(table, row))];
  const text = lines.map((fields) => fields.map(quote).join(','));
  return `${text.join('\r\n')}\r\n`;
}

function cellHeaders(table: CompareTable, id: string): string[] {
  const headers = [id];
  if (table.grouped) headers.push(`${id} ci_low`, `${id} ci_high`, `${id} n`);
  if (table.baseline !== null) headers.push(`${id} delta`, `${id} p_value`);
  return headers;
}

function rowFields(table: CompareTable, row: CompareRow): string[] {
  const params = table.paramColumns.map((name) => row.params[name] ?? '');
  const cells = row.cells.flatMap((cell) => cellFields(table, cell));
  return [row.label, ...params, ...cells];
}

function cellFields(table: CompareTable, cell: MetricCell): string[] {
  const fields = [numberText(cell.mean)];
  if (table.grouped) {
    fields.push(
      numberText(cell.ci?.low),
      numberText(cell.ci?.high),
      String(cell.values.length),
    );
  }

  if (table.baseline !== null) {
    fields.push(numberText(cell.delta), numberText(cell.pValue));
  }

  return fields;
}

function numberText(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
