/**
 * The metrics table of an `evaluate` node: model name, then metric name,
 * then value, read from the node's flat `metrics` (`<model>.<metric>`).
 */

/** Metric name to value, by model name. */
export type MetricsTable = Record<string, Record<string, number>>;

/** Node type whose results form the end-of-run metrics table. */
export const EVALUATE_TYPE = 'evaluate';

/**
 * Splits an evaluate node's flat metrics into a table. Names have the form
 * `<model>.<metric>`. When `summary.models` lists the model names, a name
 * is split after the longest listed model that prefixes it, because model
 * names may contain dots. Otherwise it is split at the first dot, and
 * names without a dot are left out.
 */
export function metricsTable(
  summary: Record<string, unknown>,
  metrics: Record<string, number>,
): MetricsTable {
  const models = modelNames(summary);
  const table: MetricsTable = {};
  for (const [name, value] of Object.entries(metrics)) {
    const model =
      models.find((item) => name.startsWith(`${item}.`)) ?? firstPart(name);
    if (model === undefined) continue;

    table[model] ??= {};
    table[model][name.slice(model.length + 1)] = value;
  }

  return table;
}

function modelNames(summary: Record<string, unknown>): string[] {
  const models = summary.models;
  if (!Array.isArray(models)) return [];

  const names = models.filter(
    (item): item is string => typeof item === 'string',
  );
  return names.sort((a, b) => b.length - a.length);
}

function firstPart(name: string): string | undefined {
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : undefined;
}
