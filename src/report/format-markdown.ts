/**
 * The Markdown form of a comparison: a pipe table followed by the legend.
 */
import {
  formatDelta,
  formatMean,
  labelHeader,
  labelIsRedundant,
  legendLines,
  overridesLine,
} from './cell-text.js';
import type { CompareRow, CompareTable } from './compare.js';

/** Renders a comparison as a Markdown table. */
export function formatMarkdown(table: CompareTable): string {
  const header = [...labelHeaders(table), ...table.paramColumns];
  const align = header.map(() => '---');
  for (const column of table.metricColumns) {
    header.push(`${column.modelLabel} ${column.metric}`);
    align.push('---:');
    if (table.baseline !== null) {
      header.push('Δ');
      align.push('---:');
    }
  }

  const lines = [header, align, ...table.rows.map((r) => rowCells(table, r))];
  const text = lines.map((cells) => `| ${cells.map(escape).join(' | ')} |`);
  const overrides = table.overrides ?? [];
  const legend = [
    ...(overrides.length > 0 ? [overridesLine(overrides)] : []),
    ...legendLines(table),
  ];
  if (legend.length > 0) text.push('', ...legend);
  return `${text.join('\n')}\n`;
}

function rowCells(table: CompareTable, row: CompareRow): string[] {
  const cells = [
    ...(labelIsRedundant(table) ? [] : [row.label]),
    ...table.paramColumns.map((n) => row.params[n] ?? '-'),
  ];
  for (const cell of row.cells) {
    cells.push(formatMean(cell, ' '));
    if (table.baseline !== null) {
      cells.push(formatDelta(cell, row.label === table.baseline));
    }
  }

  return cells;
}

function labelHeaders(table: CompareTable): string[] {
  return labelIsRedundant(table) ? [] : [labelHeader(table)];
}

/** Escapes what Markdown would read as table syntax or emphasis. */
function escape(cell: string): string {
  return cell.replaceAll('|', '\\|').replaceAll('*', '\\*');
}
