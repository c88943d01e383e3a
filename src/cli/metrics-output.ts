/**
 * The end-of-run metrics tables of `evaluate` nodes: models as rows and
 * metrics as columns, one table per metric group, so segment metrics
 * (`test.cold-item.ndcg@10`) do not make one unreadably wide table.
 */
import { formatNumber } from '../events/format.js';
import type { MetricsTable } from '../runner/index.js';
import { formatTable } from './text-table.js';

/**
 * Formats the tables of every evaluate node. A metric's group is its name
 * up to the last dot (`test.cold-item`), its column the rest (`ndcg@10`).
 * Returns `''` when there are no metrics.
 */
export function formatMetricsTables(
  tables: Record<string, MetricsTable>,
): string {
  const sections: string[] = [];
  for (const [nodeId, table] of Object.entries(tables)) {
    for (const [group, columns] of groupMetrics(table)) {
      const title = group
        ? `metrics of ${nodeId}: ${group}`
        : `metrics of ${nodeId}`;
      sections.push(`${title}\n${formatGroup(table, group, columns)}`);
    }
  }

  return sections.join('\n\n');
}

/** Column names of each group, in the order the node reported them. */
function groupMetrics(table: MetricsTable): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const row of Object.values(table)) {
    for (const name of Object.keys(row)) {
      const { group, column } = splitMetricName(name);
      const columns = groups.get(group) ?? [];
      if (!columns.includes(column)) columns.push(column);
      groups.set(group, columns);
    }
  }

  return groups;
}

function splitMetricName(name: string): { group: string; column: string } {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return { group: '', column: name };
  return { group: name.slice(0, dot), column: name.slice(dot + 1) };
}

function formatGroup(
  table: MetricsTable,
  group: string,
  columns: string[],
): string {
  const rows = Object.entries(table).map(([model, values]) => [
    model,
    ...columns.map((column) => {
      const value = values[group ? `${group}.${column}` : column];
      return value === undefined ? '-' : formatNumber(value);
    }),
  ]);
  const numeric = new Set(columns.map((_column, index) => index + 1));
  return formatTable(['model', ...columns], rows, numeric);
}
