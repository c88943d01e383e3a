/**
 * The compact text table of an evaluation that the CLI prints at the end
 * of a run: one row per model, HR@K and NDCG@K per cut-off, then MRR.
 */
import type { MetricsFile } from './metrics-file.js';

/** Decimal places of metric values in the table. */
const VALUE_DECIMALS = 4;
/** Spaces between columns. */
const COLUMN_GAP = '  ';

/** The fields of `metrics.json` that the table reads. */
export type MetricsTableInput = Pick<
  MetricsFile,
  'split' | 'protocol' | 'ks' | 'models' | 'cases'
> &
  Partial<Pick<MetricsFile, 'negatives'>>;

/** Formats one metric value, or `-` where the model lacks it. */
function formatValue(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(VALUE_DECIMALS);
}

/** Lays out rows as left-aligned first column and right-aligned others. */
function layoutRows(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map((row) => row[column].length)),
  );
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]),
      )
      .join(COLUMN_GAP)
      .trimEnd(),
  );
}

/** Builds one table for the metric names under `prefix`. */
function protocolTable(input: MetricsTableInput, prefix: string): string[] {
  const metricNames: string[] = [];
  const header = ['model'];
  for (const k of input.ks) {
    metricNames.push(`hr@${k}`, `ndcg@${k}`);
    header.push(`HR@${k}`, `NDCG@${k}`);
  }
  metricNames.push('mrr');
  header.push('MRR');

  const rows = Object.entries(input.models).map(([model, values]) => [
    model,
    ...metricNames.map((name) => formatValue(values[`${prefix}${name}`])),
  ]);
  return layoutRows([header, ...rows]);
}

/**
 * Formats the models of a `metrics.json` as a text table, with a title
 * line that names the split, the protocol and the number of test cases.
 * The sampled protocol, when present, gets a second table below.
 */
export function formatMetricsTable(metricsJson: MetricsTableInput): string {
  const { split, protocol, cases } = metricsJson;
  const blocks: string[] = [];

  if (protocol !== 'sampled') {
    blocks.push(
      [
        `${split}: full ranking over all items, ${cases} users`,
        ...protocolTable(metricsJson, `${split}.`),
      ].join('\n'),
    );
  }
  if (protocol !== 'full') {
    const negatives = metricsJson.negatives ?? '?';
    blocks.push(
      [
        `${split}: sampled, target among ${negatives} negatives, ` +
          `${cases} users`,
        ...protocolTable(metricsJson, `${split}.sampled.`),
      ].join('\n'),
    );
  }

  return blocks.join('\n\n');
}
