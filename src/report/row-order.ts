/**
 * Resolves `--baseline` to a row and `--sort` to a column of a comparison.
 */
import type { CompareRow } from './compare.js';
import { ReportError } from './errors.js';
import type { MetricColumn } from './metric-columns.js';

/** Sort key that orders rows by their label. */
export const LABEL_SORT_KEY = 'label';

/**
 * Returns the index of the baseline row, or `null` without a selector.
 *
 * The selector is a row label, a variant name (its row is the baseline),
 * or a `name=value,...` list that matches the parameters of one row.
 * Throws `UNKNOWN_BASELINE` when nothing matches and `AMBIGUOUS_BASELINE`
 * when a parameter list matches several rows.
 */
export function findBaseline(
  rows: readonly CompareRow[],
  selector: string | undefined,
): number | null {
  if (selector === undefined || selector === '') return null;
  const byLabel = rows.findIndex((r) => r.label === selector);
  if (byLabel >= 0) return byLabel;
  const byVariant = rows.findIndex((r) => r.variants.includes(selector));
  if (byVariant >= 0) return byVariant;

  const pairs = parsePairs(selector);
  const hits = pairs
    ? rows.flatMap((row, i) => (matchesPairs(row, pairs) ? [i] : []))
    : [];
  if (hits.length === 1) return hits[0];
  const labels = rows.map((r) => r.label).join('; ');
  if (hits.length > 1) {
    throw new ReportError(
      'AMBIGUOUS_BASELINE',
      `Baseline \`${selector}\` matches ${hits.length} rows: ` +
        `${hits.map((i) => rows[i].label).join('; ')}. ` +
        'Add parameters until one row matches, or pass a row label.',
    );
  }

  throw new ReportError(
    'UNKNOWN_BASELINE',
    `Baseline \`${selector}\` matches no row. Pass a row label, a variant ` +
      `name or \`name=value\` pairs; the rows are: ${labels}.`,
  );
}

/**
 * Returns the rows sorted by a `--sort` key, or unchanged without one.
 * Rows without a value sort last in either direction; ties keep their
 * order. Throws `UNKNOWN_SORT_KEY` for a key that names no column.
 */
export function sortRows(
  rows: readonly CompareRow[],
  metricColumns: readonly MetricColumn[],
  sort: string | undefined,
): CompareRow[] {
  if (sort === undefined || sort === '') return [...rows];
  const { key, direction } = parseSortKey(sort);
  const metricIndex = resolveMetric(metricColumns, key);
  const paramNames = Object.keys(rows[0]?.params ?? {});
  if (
    metricIndex === undefined &&
    key !== LABEL_SORT_KEY &&
    !paramNames.includes(key)
  ) {
    throw unknownSortKey(sort, metricColumns, paramNames);
  }

  const valueOf = (row: CompareRow): number | string | null =>
    metricIndex !== undefined
      ? row.cells[metricIndex].mean
      : key === LABEL_SORT_KEY
        ? row.label
        : row.params[key];
  const descending = direction
    ? direction === 'desc'
    : metricIndex !== undefined;
  return [...rows].sort((a, b) =>
    compareValues(valueOf(a), valueOf(b), descending),
  );
}

function parseSortKey(sort: string): {
  key: string;
  direction: 'asc' | 'desc' | undefined;
} {
  const match = /^(.*):(asc|desc)$/.exec(sort);
  if (!match) return { key: sort, direction: undefined };
  return { key: match[1], direction: match[2] as 'asc' | 'desc' };
}

function resolveMetric(
  columns: readonly MetricColumn[],
  key: string,
): number | undefined {
  const byId = columns.findIndex((c) => c.id === key);
  if (byId >= 0) return byId;
  const byMetric = columns.flatMap((c, i) => (c.metric === key ? [i] : []));
  if (byMetric.length === 1) return byMetric[0];
  if (byMetric.length > 1) {
    throw new ReportError(
      'UNKNOWN_SORT_KEY',
      `Sort key \`${key}\` is shown for ${byMetric.length} models. ` +
        'Pass one column as `model:metric`: ' +
        `${byMetric.map((i) => columns[i].id).join(', ')}.`,
    );
  }

  return undefined;
}

function compareValues(
  a: number | string | null | undefined,
  b: number | string | null | undefined,
  descending: boolean,
): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) return Number(aMissing) - Number(bMissing);
  const order =
    typeof a === 'number' && typeof b === 'number'
      ? a - b
      : String(a).localeCompare(String(b), 'en', { numeric: true });
  return descending ? -order : order;
}

function parsePairs(selector: string): [string, string][] | undefined {
  const pairs = selector.split(',').map((part) => {
    const at = part.indexOf('=');
    return at > 0
      ? ([part.slice(0, at), part.slice(at + 1)] as [string, string])
      : undefined;
  });
  return pairs.every((p) => p !== undefined)
    ? (pairs as [string, string][])
    : undefined;
}

function matchesPairs(row: CompareRow, pairs: [string, string][]): boolean {
  return pairs.every(([name, value]) => row.params[name] === value);
}

function unknownSortKey(
  sort: string,
  metricColumns: readonly MetricColumn[],
  paramNames: readonly string[],
): ReportError {
  const keys = [
    LABEL_SORT_KEY,
    ...paramNames,
    ...metricColumns.map((c) => c.id),
  ];
  return new ReportError(
    'UNKNOWN_SORT_KEY',
    `Sort key \`${sort}\` names no column. Pass one of: ${keys.join(', ')} ` +
      '(optionally followed by `:asc` or `:desc`).',
  );
}
