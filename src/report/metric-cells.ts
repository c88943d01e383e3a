/**
 * The numbers in a comparison's metric cells: the mean over a row's seeds,
 * its confidence interval, the difference to the baseline row and a paired
 * t-test over test users against it.
 */
import { meanConfidenceInterval, pairedTTest } from '../metrics/stats.js';
import type { MetricColumn } from './metric-columns.js';
import type { VariantResult } from './types.js';
import type { Setting } from './variant-params.js';

/** Metric values of one row in one column. */
export interface MetricCell {
  /** Value of each variant of the row that has the metric. */
  values: number[];
  /** Mean of `values`; `null` when no variant of the row has the metric. */
  mean: number | null;
  /**
   * Confidence interval of the mean over the row's seeds; `null` for rows
   * of a single variant.
   */
  ci: { low: number; high: number; halfWidth: number } | null;
  /** Mean minus the baseline row's mean; `null` without a baseline. */
  delta: number | null;
  /**
   * Two-sided p-value of the paired t-test over test users between this
   * row and the baseline row. Each user's value is averaged over the row's
   * seeds first. `null` for the baseline row, without a baseline, or when
   * the evaluate node wrote no per-user values for this metric.
   */
  pValue: number | null;
  /** Whether `pValue` is below the comparison's `alpha`. */
  significant: boolean;
}

/** Settings that apply to every cell of a comparison. */
export interface CellContext {
  level: number;
  alpha: number;
  grouped: boolean;
  metricColumns: readonly MetricColumn[];
}

/** Computes the cells of every row, `[row][column]`. */
export function computeCells(
  settings: readonly Setting[],
  baselineIndex: number | null,
  context: CellContext,
): MetricCell[][] {
  const cells = settings.map((setting) =>
    context.metricColumns.map((column) =>
      summarise(valuesOf(setting.variants, column), context),
    ),
  );
  if (baselineIndex === null) return cells;

  const baseline = settings[baselineIndex];
  settings.forEach((setting, row) => {
    context.metricColumns.forEach((column, index) => {
      const cell = cells[row][index];
      const reference = cells[baselineIndex][index];
      cell.delta =
        cell.mean === null || reference.mean === null
          ? null
          : cell.mean - reference.mean;
      if (row === baselineIndex) return;
      cell.pValue = pairedPValue(setting, baseline, column);
      cell.significant = cell.pValue !== null && cell.pValue < context.alpha;
    });
  });

  return cells;
}

/**
 * Returns the per-user vector of a column in one variant. The evaluate
 * node may name per-user metrics with or without the `test.` prefix.
 */
export function perUserValues(
  variant: VariantResult,
  column: MetricColumn,
): number[] | undefined {
  const evaluation = variant.evaluations.find(
    (e) => e.node === column.evaluation,
  );
  const vectors = evaluation?.perUser[column.model];
  if (!vectors) return undefined;
  const bare = column.metric.replace(/^test\./, '');
  return vectors[column.metric] ?? vectors[bare];
}

function summarise(values: number[], context: CellContext): MetricCell {
  const cell: MetricCell = {
    values,
    mean: null,
    ci: null,
    delta: null,
    pValue: null,
    significant: false,
  };
  if (values.length === 0) return cell;

  const interval = meanConfidenceInterval(values, context.level);
  cell.mean = interval.mean;
  if (context.grouped && values.length >= 2) {
    const { low, high, halfWidth } = interval;
    cell.ci = { low, high, halfWidth };
  }

  return cell;
}

function valuesOf(
  variants: readonly VariantResult[],
  column: MetricColumn,
): number[] {
  const values: number[] = [];
  for (const variant of variants) {
    const evaluation = variant.evaluations.find(
      (e) => e.node === column.evaluation,
    );
    const value = evaluation?.metrics[column.model]?.[column.metric];
    if (value !== undefined) values.push(value);
  }

  return values;
}

function pairedPValue(
  setting: Setting,
  baseline: Setting,
  column: MetricColumn,
): number | null {
  const a = meanPerUser(setting.variants, column);
  const b = meanPerUser(baseline.variants, column);
  if (!a || !b || a.length !== b.length || a.length < 2) return null;
  return pairedTTest(a, b).pValue;
}

/**
 * Averages the per-user vectors of a row's variants element-wise, so a
 * user's value in a setting is its mean over seeds. Returns `undefined`
 * when a variant lacks the vector or the lengths differ.
 */
function meanPerUser(
  variants: readonly VariantResult[],
  column: MetricColumn,
): number[] | undefined {
  const vectors = variants.map((v) => perUserValues(v, column));
  const first = vectors[0];
  if (!first || vectors.some((v) => !v || v.length !== first.length)) {
    return undefined;
  }

  return first.map(
    (_, user) =>
      vectors.reduce((sum, v) => sum + (v as number[])[user], 0) /
      vectors.length,
  );
}
