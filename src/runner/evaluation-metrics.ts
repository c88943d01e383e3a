/**
 * The metrics table of an `evaluate` node: model name, then metric name,
 * then value. docs/events.md describes the two forms a node may return.
 */

/** Metric name to value, by model name. */
export type MetricsTable = Record<string, Record<string, number>>;

/** Node type whose results form the end-of-run metrics table. */
export const EVALUATE_TYPE = 'evaluate';

/**
 * Reads the table from an evaluate node's result: `summary.metrics` when
 * it is an object of per-model objects of numbers, else the flat
 * `metrics` whose names have the form `model/metric`.
 */
export function metricsTable(
  summary: Record<string, unknown>,
  metrics: Record<string, number>,
): MetricsTable {
  const nested = summary.metrics;
  if (isTable(nested)) return nested;

  const table: MetricsTable = {};
  for (const [name, value] of Object.entries(metrics)) {
    const slash = name.indexOf('/');
    if (slash <= 0) continue;

    const model = name.slice(0, slash);
    table[model] ??= {};
    table[model][name.slice(slash + 1)] = value;
  }

  return table;
}

function isTable(value: unknown): value is MetricsTable {
  if (!isObject(value) || Object.keys(value).length === 0) return false;
  return Object.values(value).every(
    (row) =>
      isObject(row) &&
      Object.values(row).every((cell) => typeof cell === 'number'),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
