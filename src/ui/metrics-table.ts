/**
 * The metrics table of the summary: one row per evaluated model, one
 * column per headline ranking metric, from `run-finished`'s metrics.
 */
import type { EventOf } from '../events/events.js';
import { formatMetric } from './format.js';

/** A column of the table and the metric name it reads. */
export interface MetricColumn {
  label: string;
  /** Metric name without the split prefix, lower case. */
  name: string;
}

/** The headline metrics, in the order they are shown. */
export const METRIC_COLUMNS: readonly MetricColumn[] = [
  { label: 'HR@10', name: 'hr@10' },
  { label: 'NDCG@10', name: 'ndcg@10' },
  { label: 'HR@20', name: 'hr@20' },
  { label: 'NDCG@20', name: 'ndcg@20' },
  { label: 'MRR', name: 'mrr' },
];

/** Split whose metrics the table shows; a bare name is the fallback. */
const TABLE_SPLIT = 'test';

/** Width of one metric column, including the space before it. */
const METRIC_COLUMN_WIDTH = 9;

/** Minimum width of the model column before metric columns are dropped. */
const MIN_LABEL_WIDTH = 12;

/** One model's row. */
export interface MetricsRow {
  label: string;
  values: (number | undefined)[];
}

/**
 * Builds one row per model of every evaluate node. With more than one
 * evaluate node (a sweep), the label carries the node id as well.
 */
export function buildMetricsRows(
  metrics: EventOf<'run-finished'>['metrics'],
): MetricsRow[] {
  const nodeIds = Object.keys(metrics);
  const rows: MetricsRow[] = [];
  for (const nodeId of nodeIds) {
    for (const [model, values] of Object.entries(metrics[nodeId])) {
      const lowerCased = new Map(
        Object.entries(values).map(([name, v]) => [name.toLowerCase(), v]),
      );
      rows.push({
        label: nodeIds.length > 1 ? `${nodeId} ${model}` : model,
        values: METRIC_COLUMNS.map((column) => readMetric(lowerCased, column)),
      });
    }
  }

  return rows;
}

function readMetric(
  lowerCased: ReadonlyMap<string, number>,
  column: MetricColumn,
): number | undefined {
  return (
    lowerCased.get(`${TABLE_SPLIT}.${column.name}`) ??
    lowerCased.get(column.name)
  );
}

/**
 * Lays the rows out as text lines at most `columns` wide: the model
 * column takes what the metric columns leave, long labels are cut, and
 * below about 57 columns the rightmost metrics are left out.
 */
export function formatMetricsTable(
  rows: MetricsRow[],
  columns: number,
): string[] {
  // A narrow terminal drops metric columns from the right rather than
  // cutting model names below `MIN_LABEL_WIDTH`.
  const shownCount = Math.max(
    1,
    Math.min(
      METRIC_COLUMNS.length,
      Math.floor((columns - MIN_LABEL_WIDTH) / METRIC_COLUMN_WIDTH),
    ),
  );
  const metricsWidth = shownCount * METRIC_COLUMN_WIDTH;
  const longestLabel = Math.max(5, ...rows.map((row) => row.label.length));
  const labelWidth = Math.max(
    1,
    Math.min(longestLabel, columns - metricsWidth),
  );

  const header =
    'model'.padEnd(labelWidth).slice(0, labelWidth) +
    METRIC_COLUMNS.slice(0, shownCount)
      .map((column) => column.label.padStart(METRIC_COLUMN_WIDTH))
      .join('');
  const lines = rows.map(
    (row) =>
      fitLabel(row.label, labelWidth) +
      row.values
        .slice(0, shownCount)
        .map((value) => formatMetric(value).padStart(METRIC_COLUMN_WIDTH))
        .join(''),
  );

  return [header, ...lines];
}

function fitLabel(label: string, width: number): string {
  if (label.length <= width) {
    return label.padEnd(width);
  }

  return label.slice(0, Math.max(0, width - 1)) + '…';
}
