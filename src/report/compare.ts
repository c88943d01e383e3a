/**
 * `compare`: one row per variant, or per setting when variants differ only
 * in a seed, with the differing parameters, the chosen metrics, their 95%
 * confidence intervals over seeds and the difference to a baseline row.
 */
import type { RunRecord } from '../runner/run-record.js';
import { ReportError } from './errors.js';
import { loadVariantResults } from './load-runs.js';
import { selectMetricColumns, type MetricColumn } from './metric-columns.js';
import { computeCells, type MetricCell } from './metric-cells.js';
import { findBaseline, sortRows } from './row-order.js';
import type { VariantResult } from './types.js';
import {
  differingParamColumns,
  groupBySetting,
  type Setting,
} from './variant-params.js';

export type { MetricColumn } from './metric-columns.js';
export type { MetricCell } from './metric-cells.js';

/** Column of seed values shown when rows aggregate several seeds. */
export const SEEDS_COLUMN = 'seeds';

/** Options of `compareRuns` and `compareVariants`. */
export interface CompareOptions {
  /** Store that contains the artifacts. Default: the first record's store. */
  store?: string;
  /** Variants to include. Default: every variant of the records. */
  variants?: readonly (string | null)[];
  /**
   * Metric selectors: `test.ndcg@10` (every model) or `model:metric`.
   * Default: `test.hr@10` and `test.ndcg@10` of every model.
   */
  metrics?: readonly string[];
  /**
   * Column to sort by: a metric column id or selector, or a parameter
   * column, optionally followed by `:asc` or `:desc`. Metrics sort
   * descending and parameters ascending by default. Default: run order.
   */
  sort?: string;
  /** Row to compute differences against: a row label or variant name. */
  baseline?: string;
  /** Confidence level of the intervals over seeds. Default 0.95. */
  level?: number;
  /** p-value below which a difference is marked significant. Default 0.05. */
  alpha?: number;
}

/** One row: a variant, or a setting with its seeds. */
export interface CompareRow {
  /** Variant name, or the setting's `name=value` list. */
  label: string;
  /** Variant names aggregated in the row. */
  variants: (string | null)[];
  /** Differing parameter values by column name, as display text. */
  params: Record<string, string>;
  /** One cell per metric column, in `metricColumns` order. */
  cells: MetricCell[];
}

/** The result of a comparison, rendered by `formatComparison`. */
export interface CompareTable {
  /** Pipeline names of the runs compared. */
  pipelines: string[];
  runIds: string[];
  /**
   * Distinct `--set` overrides of the runs the rows come from, in the
   * order first seen; empty when every row is the pipeline file as is.
   */
  overrides?: string[];
  /** Whether rows aggregate several seeds each. */
  grouped: boolean;
  /** Confidence level of the intervals. */
  level: number;
  /** Significance threshold of the paired tests. */
  alpha: number;
  /** Names of the differing parameter columns (and `seeds` when grouped). */
  paramColumns: string[];
  metricColumns: MetricColumn[];
  rows: CompareRow[];
  /** Label of the baseline row, or `null` without `--baseline`. */
  baseline: string | null;
}

/**
 * Compares the latest evaluated results of every variant in `records`,
 * reading the metrics artifacts from the store.
 */
export async function compareRuns(
  records: readonly RunRecord[],
  options: CompareOptions = {},
): Promise<CompareTable> {
  const store = options.store ?? records[0]?.store ?? '.';
  const variants = await loadVariantResults(records, store, options.variants);
  const table = compareVariants(variants, options);
  table.pipelines = [...new Set(records.map((r) => r.pipeline))];
  return table;
}

/** Builds the comparison of already loaded variant results. */
export function compareVariants(
  variants: readonly VariantResult[],
  options: CompareOptions = {},
): CompareTable {
  if (variants.length === 0) {
    throw new ReportError(
      'NO_EVALUATED_VARIANTS',
      'No variant has a finished evaluate node, so there is nothing to ' +
        'compare. Run the pipeline to the end, or check `distillery runs` ' +
        'for the failed node.',
    );
  }

  const level = options.level ?? 0.95;
  const alpha = options.alpha ?? 0.05;
  const metricColumns = selectMetricColumns(variants, options.metrics);
  const paramColumns = differingParamColumns(variants);
  const { grouped, settings } = groupBySetting(variants, paramColumns);
  const rows = settings.map((s) => toRow(s, paramColumns, grouped));
  const baselineIndex = findBaseline(rows, options.baseline);
  const context = { level, alpha, grouped, metricColumns };
  const cells = computeCells(settings, baselineIndex, context);
  rows.forEach((row, i) => (row.cells = cells[i]));

  const names = paramColumns.filter((c) => !grouped || !c.isSeed);
  return {
    pipelines: [],
    runIds: [...new Set(variants.map((v) => v.runId))],
    overrides: [...new Set(variants.flatMap((v) => v.overrides ?? []))],
    grouped,
    level,
    alpha,
    paramColumns: [
      ...names.map((c) => c.name),
      ...(grouped ? [SEEDS_COLUMN] : []),
    ],
    metricColumns,
    rows: sortRows(rows, metricColumns, options.sort),
    baseline: baselineIndex === null ? null : rows[baselineIndex].label,
  };
}

function toRow(
  setting: Setting,
  columns: ReturnType<typeof differingParamColumns>,
  grouped: boolean,
): CompareRow {
  const params = { ...setting.values };
  if (grouped) {
    const seed = columns.find((c) => c.isSeed);
    params[SEEDS_COLUMN] = setting.variants
      .map((v) => (seed ? String(v.params[seed.keys[0]] ?? '-') : '-'))
      .join(',');
  }

  return {
    label: setting.label,
    variants: setting.variants.map((v) => v.variant),
    params,
    cells: [],
  };
}
