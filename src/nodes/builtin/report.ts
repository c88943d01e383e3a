/**
 * The `report` node type: writes `report.html`, a static page with the
 * metrics of its evaluate inputs (one table row and bar per input) and
 * the training curves of its model inputs.
 */
import path from 'node:path';
import { historyFromSummary, readEvaluation } from '../../report/load-runs.js';
import type { LabelledCurve } from '../../report/report-charts.js';
import type { VariantResult } from '../../report/types.js';
import { writeVariantReport } from '../../report/write-report.js';
import {
  defineNodeType,
  type ArtifactRef,
  type NodeContext,
  type NodeResult,
} from '../node-type.js';

/** File the node writes into its artifact. */
export const REPORT_FILE = 'report.html';

/** Parameters of `report`. */
export interface ReportParams {
  title: string;
  metrics: string[];
  baseline: string;
}

/** The `report` node type. */
export const reportNodeType = defineNodeType<ReportParams>({
  name: 'report',
  version: '1',
  description:
    'Writes report.html: a metrics table, bar charts with confidence ' +
    'intervals and training curves, as static HTML with inline SVG.',
  module: import.meta.url,
  output: 'report',
  inputs: {
    metrics: {
      kind: 'metrics',
      multiple: true,
      description: 'Evaluate nodes; each becomes a row named after its node.',
    },
    models: {
      kind: 'model',
      multiple: true,
      optional: true,
      description: 'Trained models whose per-epoch histories are charted.',
    },
  },
  params: {
    title: {
      type: 'string',
      default: '',
      description: 'Page title. Default: `Distillery report: <node name>`.',
    },
    metrics: {
      type: 'array',
      items: {
        type: 'string',
        description: 'A metric name such as `test.ndcg@10`, or `model:metric`.',
      },
      default: [],
      description:
        'Metrics of the table and bar charts. Default: test.hr@10 and ' +
        'test.ndcg@10 of every model.',
    },
    baseline: {
      type: 'string',
      default: '',
      description:
        'Name of the metrics input that the table shows differences to. ' +
        'Default: none.',
    },
  },
  run: (context) => runReport(context),
});

/** Writes the report of the node's inputs; the body of the node's `run`. */
export async function runReport(
  context: NodeContext<ReportParams>,
): Promise<NodeResult> {
  const metricsInputs = inputList(context.inputs.metrics);
  const modelInputs = inputList(context.inputs.models);
  const variants: VariantResult[] = [];
  for (const ref of metricsInputs) {
    // One evaluation name for every input, so their models share columns.
    const evaluation = await readEvaluation(ref.dir, 'metrics');
    variants.push({
      variant: ref.producer,
      runId: '',
      params: {},
      evaluations: [evaluation],
      curves: [],
    });
  }

  context.emit({ kind: 'progress', phase: 'rendering charts' });
  const summary = await writeVariantReport({
    variants,
    outFile: path.join(context.outDir, REPORT_FILE),
    title: context.params.title || `Distillery report: ${context.nodeName}`,
    facts: inputFacts(metricsInputs, modelInputs),
    metrics: context.params.metrics,
    baseline: context.params.baseline || undefined,
    curves: { legendTitle: 'model', curves: modelCurves(modelInputs) },
  });
  return {
    metrics: { charts: summary.charts },
    summary: { file: REPORT_FILE, rows: summary.rows, charts: summary.charts },
  };
}

function modelCurves(models: readonly ArtifactRef[]): LabelledCurve[] {
  return models.flatMap((ref) => {
    const history = historyFromSummary(ref.summary);
    if (!history) return [];
    const curve = { node: ref.producer, type: '', key: ref.key, history };
    return [{ label: ref.producer, curve }];
  });
}

function inputFacts(
  metrics: readonly ArtifactRef[],
  models: readonly ArtifactRef[],
): [string, string][] {
  const describe = (refs: readonly ArtifactRef[]) =>
    refs.map((ref) => `${ref.producer} (${ref.key.slice(0, 12)})`).join(', ');
  const facts: [string, string][] = [['metrics', describe(metrics)]];
  if (models.length > 0) facts.push(['models', describe(models)]);
  return facts;
}

function inputList(
  value: ArtifactRef | ArtifactRef[] | undefined,
): ArtifactRef[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
