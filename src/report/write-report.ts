/**
 * Writes the self-contained HTML report of runs: graph, metrics table,
 * training curves and final-metric bar charts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunRecord } from '../runner/run-record.js';
import { runStatus } from '../runner/run-status.js';
import { compareVariants } from './compare.js';
import { graphFromRecords, type GraphSelection } from './graph-svg.js';
import { convergenceRows } from './convergence.js';
import { convergenceTableHtml, nodesTableHtml } from './html-tables.js';
import { renderReportPage } from './html-page.js';
import { loadVariantResults } from './load-runs.js';
import {
  barCharts,
  curveCharts,
  curvesBySetting,
  type LabelledCurve,
} from './report-charts.js';
import type { VariantResult } from './types.js';

/** Options of `writeReport`. */
export interface WriteReportOptions {
  /** Run records to report on; the latest result of each variant is used. */
  records: readonly RunRecord[];
  /** Folder of the artifact store. */
  store: string;
  /** HTML file to write; its folder is created. */
  outFile: string;
  /** Variants to include. Default: every variant of the records. */
  variants?: readonly (string | null)[];
  /**
   * `[upstream, downstream]` node names that the graph draws even where
   * no artifact digest links them (nodes that never ran). Default none.
   */
  edges?: readonly [string, string][];
  /** Metric selectors for the table and bar charts; see `compareRuns`. */
  metrics?: readonly string[];
  /** Baseline row of the table; see `compareRuns`. */
  baseline?: string;
}

/** Options of `writeVariantReport`. */
export interface WriteVariantReportOptions {
  variants: readonly VariantResult[];
  outFile: string;
  title: string;
  /** Label and value pairs shown under the title. */
  facts?: [string, string][];
  metrics?: readonly string[];
  baseline?: string;
  /** Run records for the graph; without them the graph is left out. */
  records?: readonly RunRecord[];
  /** Declared edges of the graph; see `WriteReportOptions.edges`. */
  edges?: readonly [string, string][];
  /**
   * Curves to chart, with their legend title. Default: the variants'
   * curves, labelled by comparison row.
   */
  curves?: { legendTitle: string; curves: LabelledCurve[] };
}

/** Counts and location of a written report. */
export interface ReportSummary {
  /** Absolute path of the HTML file. */
  outFile: string;
  /** Number of rows of the metrics table. */
  rows: number;
  /** Number of charts rendered (not counting the graph). */
  charts: number;
}

/** Writes the report of the latest results of every variant in `records`. */
export async function writeReport(
  options: WriteReportOptions,
): Promise<ReportSummary> {
  const variants = await loadVariantResults(
    options.records,
    options.store,
    options.variants,
    { includeUnevaluated: true },
  );
  // Runs that no chosen variant comes from (superseded or failed early)
  // are left out of the facts and the nodes table.
  const used = new Set(variants.map((v) => v.runId));
  const records =
    used.size > 0
      ? options.records.filter((r) => used.has(r.id))
      : options.records;
  const pipelines = [...new Set(records.map((r) => r.pipeline))];
  return writeVariantReport({
    variants,
    outFile: options.outFile,
    title: `Distillery report: ${pipelines.join(', ')}`,
    facts: recordFacts(records, options.store),
    metrics: options.metrics,
    baseline: options.baseline,
    records,
    edges: options.edges,
  });
}

/**
 * Writes the report of already loaded variant results. Without variants
 * (no evaluate node finished) the page still shows the graph and nodes.
 */
export async function writeVariantReport(
  options: WriteVariantReportOptions,
): Promise<ReportSummary> {
  const records = options.records ?? [];
  const evaluated = options.variants.filter((v) => v.evaluations.length > 0);
  const table =
    evaluated.length === 0
      ? null
      : compareVariants(evaluated, {
          metrics: options.metrics,
          baseline: options.baseline,
        });
  if (table) table.pipelines = [...new Set(records.map((r) => r.pipeline))];

  const labelled = options.curves ?? curvesBySetting(options.variants);
  const curves = curveCharts(labelled.curves, labelled.legendTitle);
  const convergence = convergenceRows(labelled.curves);
  const bars = table ? barCharts(table, evaluated) : [];
  const html = await renderReportPage({
    title: options.title,
    facts: options.facts ?? [],
    graph:
      records.length > 0
        ? graphFromRecords(records, selection(options), options.edges)
        : null,
    nodesTable: records.length > 0 ? nodesTableHtml(records) : '',
    table,
    convergenceTable:
      convergence.length > 0 ? convergenceTableHtml(convergence) : '',
    curves,
    bars,
  });

  const outFile = path.resolve(options.outFile);
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, html, 'utf8');
  return {
    outFile,
    rows: table?.rows.length ?? 0,
    charts: curves.length + bars.length,
  };
}

/**
 * Returns the variants whose nodes the graph shows: the loaded ones, or
 * every variant of the records when none was loaded.
 */
function selection(
  options: WriteVariantReportOptions,
): readonly GraphSelection[] | undefined {
  return options.variants.length > 0 ? options.variants : undefined;
}

// A run's id and status (`interrupted` for a runner killed hard), and
// its `--set` overrides when it has any.
function describeRun(record: RunRecord): string {
  const overrides = (record.overrides ?? []).map((o) => `--set ${o}`);
  return `${record.id} (${[runStatus(record), ...overrides].join(', ')})`;
}

function recordFacts(
  records: readonly RunRecord[],
  store: string,
): [string, string][] {
  const facts: [string, string][] = [
    ['runs', records.map(describeRun).join(', ')],
    [
      'pipeline files',
      [...new Set(records.map((r) => r.pipelineFile))].join(', '),
    ],
    ['started', records.map((r) => r.startedAt).sort()[0] ?? ''],
    ['store', path.resolve(store)],
  ];
  const engines = [
    ...new Set(records.flatMap((r) => (r.engine ? [r.engine.backend] : []))),
  ];
  if (engines.length > 0) facts.push(['backend', engines.join(', ')]);
  return facts;
}
