/**
 * The functions behind `distillery compare` and `distillery report`.
 */
import path from 'node:path';
import type { NodeTypeRegistry } from '../nodes/registry.js';
import { compareRuns } from './compare.js';
import { formatComparison } from './format.js';
import { declaredEdges, resolveTarget } from './targets.js';
import { writeReport } from './write-report.js';

/** Arguments of `distillery compare`. */
export interface CompareCommandArgs {
  /** Pipeline file, or run ids separated by commas. */
  target: string;
  /**
   * Use only runs of a pipeline file made with exactly these `--set`
   * overrides. Default: prefer runs without overrides.
   */
  overrides?: readonly string[];
  /** Folder of the artifact store. */
  store: string;
  /** `table`, `csv`, `json` or `markdown`. Default `table`. */
  format?: string;
  /** `--metric` selectors; default HR@10 and NDCG@10 of every model. */
  metrics?: readonly string[];
  /** `--sort` key. Default: the order the variants ran in. */
  sort?: string;
  /** `--baseline` row label or variant name. Default: no differences. */
  baseline?: string;
  /** Node types for loading the pipeline file. Default: the built-ins. */
  registry?: NodeTypeRegistry;
}

/** Arguments of `distillery report`. */
export interface ReportCommandArgs {
  /** Pipeline file, or run ids separated by commas. */
  target: string;
  /**
   * Use only runs of a pipeline file made with exactly these `--set`
   * overrides. Default: prefer runs without overrides.
   */
  overrides?: readonly string[];
  /** Folder of the artifact store. */
  store: string;
  /**
   * HTML file to write. Default: `<store>/reports/<pipeline>-<run id>.html`
   * for the newest run included.
   */
  out?: string;
  /** `--metric` selectors for the table and bar charts. */
  metrics?: readonly string[];
  /** `--baseline` for the table. */
  baseline?: string;
  /** Node types for loading the pipeline file. Default: the built-ins. */
  registry?: NodeTypeRegistry;
}

/**
 * Compares the latest runs of a pipeline file, or the given runs, and
 * returns the comparison as text in the requested format.
 */
export async function runCompareCommand(
  args: CompareCommandArgs,
): Promise<string> {
  const { records, variants } = await resolveTarget(
    args.target,
    args.store,
    args.registry,
    { overrides: args.overrides },
  );
  const table = await compareRuns(records, {
    store: args.store,
    variants,
    metrics: args.metrics,
    sort: args.sort,
    baseline: args.baseline,
  });
  return formatComparison(table, args.format ?? 'table');
}

/**
 * Writes the HTML report of the latest runs of a pipeline file, or of the
 * given runs. Returns the absolute path of the written file.
 */
export async function runReportCommand(
  args: ReportCommandArgs,
): Promise<string> {
  const { records, variants } = await resolveTarget(
    args.target,
    args.store,
    args.registry,
    { overrides: args.overrides },
  );
  const edges = await declaredEdges(records, args.registry);
  const newest = [...records].sort((a, b) =>
    a.startedAt.localeCompare(b.startedAt),
  )[records.length - 1];
  const outFile = path.resolve(
    args.out ??
      path.join(args.store, 'reports', `${newest.pipeline}-${newest.id}.html`),
  );
  await writeReport({
    records,
    store: args.store,
    outFile,
    variants,
    edges,
    metrics: args.metrics,
    baseline: args.baseline,
  });
  return outFile;
}
