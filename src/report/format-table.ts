/**
 * The aligned-text form of a comparison. Columns that do not fit the width
 * continue in further blocks below, each repeating the label and parameter
 * columns, so the output stays within 80 columns where a row's columns
 * allow it.
 */
import {
  formatDelta,
  formatMean,
  labelHeader,
  labelIsRedundant,
  legendLines,
  overridesLine,
} from './cell-text.js';
import type { CompareTable } from './compare.js';

/** Default width of the text table, in characters. */
export const TABLE_WIDTH = 80;

const GAP = '  ';

/** A column of text: two header lines and one cell per row. */
interface TextColumn {
  top: string;
  bottom: string;
  cells: string[];
  alignRight: boolean;
}

/** Renders a comparison as aligned text, at most `width` columns wide. */
export function formatTable(table: CompareTable, width = TABLE_WIDTH): string {
  const fixed = fixedColumns(table);
  const blocks = splitIntoBlocks(fixed, metricUnits(table), width);
  const legend = legendLines(table).flatMap((line) => wrapText(line, width));
  const lines = [titleLine(table), ...legend];
  for (const block of blocks)
    lines.push('', ...renderBlock([...fixed, ...block]));
  return `${lines.join('\n')}\n`;
}

/** Breaks text at spaces into lines of at most `width` characters. */
function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }

  return [...lines, current];
}

function titleLine(table: CompareTable): string {
  const variants = table.rows.reduce((n, r) => n + r.variants.length, 0);
  const count = (n: number, noun: string) =>
    `${n} ${noun}${n === 1 ? '' : 's'}`;
  const what = table.grouped
    ? `${count(variants, 'variant')} in ${count(table.rows.length, 'setting')}`
    : count(table.rows.length, 'variant');
  const runs = table.runIds.length === 1 ? 'run' : 'runs';
  const names =
    table.pipelines.length > 0 ? `${table.pipelines.join(', ')}: ` : '';
  const title = `${names}${what} (${runs} ${table.runIds.join(', ')})`;
  const overrides = table.overrides ?? [];
  if (overrides.length === 0) return title;
  return `${title}\n${overridesLine(overrides)}`;
}

function fixedColumns(table: CompareTable): TextColumn[] {
  const label: TextColumn = {
    top: '',
    bottom: labelHeader(table),
    cells: table.rows.map((r) => r.label),
    alignRight: false,
  };
  const params = table.paramColumns.map((name) => ({
    top: '',
    bottom: name,
    cells: table.rows.map((r) => r.params[name] ?? '-'),
    alignRight: false,
  }));
  return labelIsRedundant(table) ? params : [label, ...params];
}

/** Builds each metric column with its difference column, kept together. */
function metricUnits(table: CompareTable): TextColumn[][] {
  return table.metricColumns.map((column, index) => {
    const means: TextColumn = {
      top: column.modelLabel,
      bottom: column.metric,
      cells: table.rows.map((r) => formatMean(r.cells[index])),
      alignRight: true,
    };
    if (table.baseline === null) return [means];
    const deltas: TextColumn = {
      top: '',
      bottom: 'Δ',
      cells: table.rows.map((r) =>
        formatDelta(r.cells[index], r.label === table.baseline),
      ),
      alignRight: true,
    };
    return [means, deltas];
  });
}

function splitIntoBlocks(
  fixed: readonly TextColumn[],
  units: readonly TextColumn[][],
  width: number,
): TextColumn[][] {
  const fixedWidth = totalWidth(fixed);
  const blocks: TextColumn[][] = [];
  let current: TextColumn[] = [];
  for (const unit of units) {
    const grown = fixedWidth + GAP.length + totalWidth([...current, ...unit]);
    if (current.length > 0 && grown > width) {
      blocks.push(current);
      current = [];
    }
    current.push(...unit);
  }

  if (current.length > 0 || blocks.length === 0) blocks.push(current);
  return blocks;
}

function renderBlock(columns: readonly TextColumn[]): string[] {
  const widths = columns.map(columnWidth);
  const line = (texts: string[]) =>
    texts
      .map((text, i) => pad(text, widths[i], columns[i].alignRight))
      .join(GAP)
      .trimEnd();
  const rowCount = columns[0].cells.length;
  const lines = [];
  if (columns.some((c) => c.top !== ''))
    lines.push(line(columns.map((c) => c.top)));
  lines.push(line(columns.map((c) => c.bottom)));
  lines.push(widths.map((w) => '-'.repeat(w)).join(GAP));
  for (let row = 0; row < rowCount; row++) {
    lines.push(line(columns.map((c) => c.cells[row])));
  }

  return lines;
}

function totalWidth(columns: readonly TextColumn[]): number {
  if (columns.length === 0) return 0;
  const sum = columns.reduce((n, c) => n + columnWidth(c), 0);
  return sum + GAP.length * (columns.length - 1);
}

function columnWidth(column: TextColumn): number {
  return Math.max(
    column.top.length,
    column.bottom.length,
    ...column.cells.map((c) => c.length),
  );
}

function pad(text: string, width: number, alignRight: boolean): string {
  return alignRight ? text.padStart(width) : text.padEnd(width);
}
