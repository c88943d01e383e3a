/**
 * Chooses the metric columns of a comparison from `--metric` selectors and
 * the metrics the evaluate nodes wrote.
 */
import { ReportError } from './errors.js';
import type { VariantResult } from './types.js';

/** Metrics shown when no `--metric` is given, for every model. */
export const DEFAULT_METRICS: readonly string[] = [
  'test.hr@10',
  'test.ndcg@10',
];

/** One metric of one model of one evaluate node. */
export interface MetricColumn {
  /**
   * Identifier accepted by `--sort` and `--metric`: `model:metric`, with
   * `node/` before the model when the variants have several evaluate nodes.
   */
  id: string;
  /** Name of the evaluate node. */
  evaluation: string;
  /** Model name as the evaluate node wrote it. */
  model: string;
  /** Model name for headers: `model`, with `node/` before it as in `id`. */
  modelLabel: string;
  /** Metric name, for example `test.ndcg@10`. */
  metric: string;
}

/**
 * Returns the metric columns for the selectors, grouped by model in the
 * order the evaluate nodes list their models.
 *
 * A selector is a metric name (`test.ndcg@10`: every model that has it) or
 * `model:metric` for one model. Throws `UNKNOWN_METRIC` when a selector
 * matches nothing; the default selectors only need to match something.
 */
export function selectMetricColumns(
  variants: readonly VariantResult[],
  selectors: readonly string[] = [],
): MetricColumn[] {
  const available = availableColumns(variants);
  const chosen = selectors.length > 0 ? selectors : DEFAULT_METRICS;
  const matched = new Set<MetricColumn>();
  for (const selector of chosen) {
    const hits = available.filter((column) => matches(column, selector));
    if (hits.length === 0 && selectors.length > 0) {
      throw unknownMetric(selector, available);
    }
    for (const hit of hits) matched.add(hit);
  }

  if (matched.size === 0) throw unknownMetric(chosen.join(', '), available);
  return orderByModelThenSelector(available, [...matched], chosen);
}

function availableColumns(variants: readonly VariantResult[]): MetricColumn[] {
  const nodes = new Set(
    variants.flatMap((v) => v.evaluations.map((e) => e.node)),
  );
  const columns = new Map<string, MetricColumn>();
  for (const variant of variants) {
    for (const evaluation of variant.evaluations) {
      const prefix = nodes.size > 1 ? `${evaluation.node}/` : '';
      for (const [model, metrics] of Object.entries(evaluation.metrics)) {
        for (const metric of Object.keys(metrics)) {
          const id = `${prefix}${model}:${metric}`;
          if (columns.has(id)) continue;
          const modelLabel = `${prefix}${model}`;
          const node = evaluation.node;
          columns.set(id, { id, evaluation: node, model, modelLabel, metric });
        }
      }
    }
  }

  return [...columns.values()];
}

function matches(column: MetricColumn, selector: string): boolean {
  return selector === column.metric || selector === column.id;
}

function orderByModelThenSelector(
  available: readonly MetricColumn[],
  matched: readonly MetricColumn[],
  selectors: readonly string[],
): MetricColumn[] {
  const models = [...new Set(available.map((c) => c.modelLabel))];
  const selectorIndex = (column: MetricColumn) =>
    selectors.findIndex((s) => matches(column, s));
  return [...matched].sort(
    (a, b) =>
      models.indexOf(a.modelLabel) - models.indexOf(b.modelLabel) ||
      selectorIndex(a) - selectorIndex(b),
  );
}

function unknownMetric(
  selector: string,
  available: readonly MetricColumn[],
): ReportError {
  const names = [...new Set(available.map((c) => c.metric))];
  const models = [...new Set(available.map((c) => c.modelLabel))];
  const listed =
    names.length > 0 ? names.join(', ') : '(none: no evaluate node finished)';
  return new ReportError(
    'UNKNOWN_METRIC',
    `Metric \`${selector}\` not found in the evaluated variants. ` +
      `Available metrics: ${listed}. Pass one of them, or ` +
      `\`model:metric\` with a model of: ${models.join(', ') || '(none)'}.`,
  );
}
