/**
 * Text of comparison cells, shared by the table, Markdown and HTML formats.
 */
import type { CompareTable } from './compare.js';
import type { MetricCell } from './metric-cells.js';

/** Text of a cell whose row has no value for the metric. */
export const MISSING_TEXT = 'n/a';

/** Text of the baseline row's difference column. */
export const BASELINE_TEXT = 'base';

/** Mark appended to a difference whose paired test is significant. */
export const SIGNIFICANT_MARK = '*';

/** Formats a metric value with four decimals, or `n/a` for none. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return MISSING_TEXT;
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(1) : value.toFixed(4);
}

/** Formats a cell's mean, followed by `±half-width` when it has a CI. */
export function formatMean(cell: MetricCell, separator = ''): string {
  const mean = formatValue(cell.mean);
  if (!cell.ci) return mean;
  return `${mean} ±${separator}${formatValue(cell.ci.halfWidth)}`;
}

/**
 * Formats a cell's difference to the baseline with its sign, followed by
 * `*` when significant; `base` in the baseline row.
 */
export function formatDelta(cell: MetricCell, isBaseline: boolean): string {
  if (isBaseline) return BASELINE_TEXT;
  if (cell.delta === null) return MISSING_TEXT;
  const magnitude = formatValue(Math.abs(cell.delta));
  let text = magnitude;
  if (cell.delta > 0) text = `+${magnitude}`;
  if (cell.delta < 0) text = `-${magnitude}`;
  return cell.significant ? `${text}${SIGNIFICANT_MARK}` : text;
}

/**
 * Returns whether a format may leave out the label column: in grouped
 * tables the label is the `name=value` list of the parameter columns.
 */
export function labelIsRedundant(table: CompareTable): boolean {
  return table.grouped && table.paramColumns.length > 1;
}

/** Returns the header of the row label column. */
export function labelHeader(table: CompareTable): string {
  return table.grouped ? 'setting' : 'variant';
}

/**
 * Returns the line that names the `--set` overrides of the compared runs,
 * such as `overrides: --set a=1 --set b=2`.
 */
export function overridesLine(overrides: readonly string[]): string {
  return `overrides: ${overrides.map((o) => `--set ${o}`).join(' ')}`;
}

/** Returns the sentences that explain the cells, for under a table. */
export function legendLines(table: CompareTable): string[] {
  const lines: string[] = [];
  const percent = Math.round(table.level * 100);
  if (table.grouped) {
    lines.push(
      `Cells: mean over seeds ± half-width of its ${percent}% ` +
        'confidence interval (Student t).',
    );
  }

  if (table.baseline !== null) {
    lines.push(
      `Δ: difference to the baseline \`${table.baseline}\`; ` +
        `${SIGNIFICANT_MARK} marks p < ${table.alpha} in a paired t-test ` +
        'over test users.',
    );
  }

  return lines;
}
