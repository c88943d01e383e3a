/**
 * The Vega-Lite charts of the HTML report: training curves per node, one
 * line per variant, and bar charts of the final metrics per row with
 * confidence-interval error bars.
 */
import { meanConfidenceInterval } from '../metrics/stats.js';
import type { CompareTable } from './compare.js';
import { perUserValues } from './metric-cells.js';
import type { VegaLiteSpec } from './render-svg.js';
import type { TrainingCurve, VariantResult } from './types.js';
import { differingParamColumns, groupBySetting } from './variant-params.js';

/** A chart with the text shown above and below it. */
export interface ReportChart {
  title: string;
  caption: string;
  spec: VegaLiteSpec;
}

/** Measures of a training history that get a curve chart. */
const CURVE_MEASURES = [
  { field: 'loss', title: 'training loss' },
  { field: 'validNdcg10', title: 'validation NDCG@10' },
] as const;

/** Facets per line of the faceted charts before they wrap. */
const FACET_COLUMNS = 3;

/** A training curve with the legend entry it is drawn under. */
export interface LabelledCurve {
  /** Legend entry: the comparison row, or the model's node. */
  label: string;
  curve: TrainingCurve;
}

/** One point of a training curve, as charted. */
interface CurveDatum {
  node: string;
  series: string;
  key: string;
  epoch: number;
  loss: number | null;
  validNdcg10: number | null;
}

/**
 * Returns one chart per training measure: a facet per training node and a
 * line per curve, coloured by its label. Returns no charts when no curve
 * has points.
 */
export function curveCharts(
  curves: readonly LabelledCurve[],
  legendTitle: string,
): ReportChart[] {
  const data = curves.flatMap(curvePoints);
  if (data.length === 0) return [];
  const nodes = [...new Set(data.map((d) => d.node))];
  const measures = CURVE_MEASURES.filter((m) =>
    data.some((d) => d[m.field] !== null),
  );
  return measures.map((measure) => ({
    title: `${capitalise(measure.title)} per epoch`,
    caption:
      `One line per trained artifact, coloured by ${legendTitle}. ` +
      'Variants that share an artifact share its line.',
    spec: curveSpec(data, nodes, measure, legendTitle),
  }));
}

/**
 * Labels each distinct training artifact of the variants with its setting
 * (or variant name, where no two variants share a setting) and returns the
 * legend title. An artifact shared by variants of several settings (a
 * student shared across settings) is drawn once, as `shared by all` or
 * with the settings' labels joined.
 */
export function curvesBySetting(variants: readonly VariantResult[]): {
  curves: LabelledCurve[];
  legendTitle: string;
} {
  const { grouped, settings } = groupBySetting(
    variants,
    differingParamColumns(variants),
  );
  const byKey = new Map<
    string,
    { curve: TrainingCurve; labels: Set<string> }
  >();
  for (const setting of settings) {
    for (const curve of setting.variants.flatMap((v) => v.curves)) {
      const entry = byKey.get(curve.key) ?? {
        curve,
        labels: new Set<string>(),
      };
      entry.labels.add(setting.label);
      byKey.set(curve.key, entry);
    }
  }

  const curves = [...byKey.values()].map(({ curve, labels }) => ({
    label: seriesLabel(labels, settings.length),
    curve,
  }));
  return { curves, legendTitle: grouped ? 'setting' : 'variant' };
}

/**
 * Returns one bar chart per metric of the comparison: a facet per model
 * and a bar per row with its confidence interval. Rows of several seeds
 * use the interval over seeds; single-variant rows use the interval over
 * test users where the evaluate node wrote per-user values.
 */
export function barCharts(
  table: CompareTable,
  variants: readonly VariantResult[],
): ReportChart[] {
  const metrics = [...new Set(table.metricColumns.map((c) => c.metric))];
  const percent = Math.round(table.level * 100);
  const source = table.grouped ? 'seeds' : 'test users';
  return metrics.map((metric) => ({
    title: `Final ${metric}`,
    caption:
      `Bars: mean per ${table.grouped ? 'setting' : 'variant'}; error ` +
      `bars: ${percent}% confidence interval over ${source}.`,
    spec: barSpec(metric, barData(table, variants, metric)),
  }));
}

function curvePoints({ label, curve }: LabelledCurve): CurveDatum[] {
  const node = curve.type ? `${curve.node} (${curve.type})` : curve.node;
  return curve.history.map((point) => ({
    node,
    series: label,
    key: curve.key,
    epoch: point.epoch,
    loss: point.loss ?? null,
    validNdcg10: point.validNdcg10 ?? null,
  }));
}

function seriesLabel(
  labels: ReadonlySet<string>,
  settingCount: number,
): string {
  if (labels.size === 1) return [...labels][0];
  if (labels.size === settingCount) return 'shared by all';
  return [...labels].join(' | ');
}

function curveSpec(
  data: CurveDatum[],
  nodes: string[],
  measure: (typeof CURVE_MEASURES)[number],
  legend: string,
): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: data },
    transform: [{ filter: `isValid(datum.${measure.field})` }],
    facet: { field: 'node', type: 'nominal', title: null, sort: nodes },
    columns: FACET_COLUMNS,
    spec: {
      width: 220,
      height: 160,
      mark: { type: 'line', point: { size: 18 } },
      encoding: {
        x: {
          field: 'epoch',
          type: 'quantitative',
          title: 'epoch',
          axis: { tickMinStep: 1 },
        },
        y: {
          field: measure.field,
          type: 'quantitative',
          title: measure.title,
          scale: { zero: false },
        },
        color: { field: 'series', type: 'nominal', title: legend },
        detail: { field: 'key', type: 'nominal' },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as VegaLiteSpec;
}

/** One bar: a row's mean of one metric of one model, with its interval. */
interface BarDatum {
  model: string;
  row: string;
  mean: number;
  low: number | null;
  high: number | null;
}

function barData(
  table: CompareTable,
  variants: readonly VariantResult[],
  metric: string,
): BarDatum[] {
  const data: BarDatum[] = [];
  table.metricColumns.forEach((column, index) => {
    if (column.metric !== metric) return;
    for (const row of table.rows) {
      const cell = row.cells[index];
      if (cell.mean === null) continue;
      let interval = cell.ci;
      if (!interval && row.variants.length === 1) {
        const variant = variants.find((v) => v.variant === row.variants[0]);
        const perUser = variant && perUserValues(variant, column);
        if (perUser && perUser.length >= 2) {
          interval = meanConfidenceInterval(perUser, table.level);
        }
      }

      data.push({
        model: column.modelLabel,
        row: row.label,
        mean: cell.mean,
        low: interval?.low ?? null,
        high: interval?.high ?? null,
      });
    }
  });

  return data;
}

function barSpec(metric: string, data: BarDatum[]): VegaLiteSpec {
  const rows = [...new Set(data.map((d) => d.row))];
  const models = [...new Set(data.map((d) => d.model))];
  // Horizontal bars, so long row labels stay readable.
  const y = {
    field: 'row',
    type: 'nominal',
    sort: rows,
    title: null,
    axis: { labelLimit: 220 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: data },
    facet: { field: 'model', type: 'nominal', title: null, sort: models },
    columns: FACET_COLUMNS,
    spec: {
      width: 200,
      height: { step: 24 },
      layer: [
        {
          mark: 'bar',
          encoding: {
            y,
            x: { field: 'mean', type: 'quantitative', title: metric },
            color: { field: 'row', type: 'nominal', sort: rows, legend: null },
          },
        },
        {
          transform: [{ filter: 'isValid(datum.low)' }],
          mark: { type: 'rule', strokeWidth: 1.5, color: '#222' },
          encoding: {
            y,
            x: { field: 'low', type: 'quantitative' },
            x2: { field: 'high' },
          },
        },
      ],
    },
  } as VegaLiteSpec;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
