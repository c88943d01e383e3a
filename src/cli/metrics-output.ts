/** The end-of-run metrics tables: one per `evaluate` node. */
import { formatNumber } from '../events/format.js';
import type { MetricsTable } from '../runner/index.js';
import { formatTable } from './text-table.js';

/**
 * Formats each evaluate node's metrics with models as rows and metrics as
 * columns, in the order the node reported them. Returns `''` without any.
 */
export function formatMetricsTables(
  tables: Record<string, MetricsTable>,
): string {
  return Object.entries(tables)
    .map(([nodeId, table]) => `metrics of ${nodeId}\n${formatOne(table)}`)
    .join('\n\n');
}

function formatOne(table: MetricsTable): string {
  const metrics = [
    ...new Set(Object.values(table).flatMap((row) => Object.keys(row))),
  ];
  const rows = Object.entries(table).map(([model, values]) => [
    model,
    ...metrics.map((name) =>
      name in values ? formatNumber(values[name]) : '-',
    ),
  ]);
  const numeric = new Set(metrics.map((_name, index) => index + 1));
  return formatTable(['model', ...metrics], rows, numeric);
}
