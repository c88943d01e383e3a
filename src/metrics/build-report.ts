/**
 * Turns the ranks of every evaluated model into the content of
 * `metrics.json` and `per-user.json`: averages overall and per segment,
 * confidence intervals, and paired tests of the first model against each
 * other model.
 */
import {
  metricsFromRanks,
  averageMetrics,
  type PerCaseMetrics,
} from './ranking.js';
import {
  metricsFormatVersion,
  type MetricInterval,
  type MetricsFile,
  type PairedComparison,
  type PerUserFile,
} from './metrics-file.js';
import type { CaseRanks, EvaluationProtocol } from './rank-cases.js';
import {
  SEGMENT_NAMES,
  describeSegment,
  type SegmentAssignment,
  type SegmentThresholds,
} from './segments.js';
import {
  mean,
  meanConfidenceInterval,
  pairedTTest,
  mcNemarTest,
  wilcoxonSignedRank,
} from './stats.js';
import type { TestCaseSet } from './test-cases.js';

/** One evaluated model. */
export interface EvaluatedModel {
  /** Unique name in the report, for example `student` or `most-popular`. */
  name: string;
  /** Producing node name; null for the built-in baseline. */
  producer: string | null;
  description: string;
  ranks: CaseRanks;
}

/** Everything the report is built from. */
export interface ReportInput {
  caseSet: TestCaseSet;
  segments: SegmentAssignment;
  thresholds: SegmentThresholds;
  protocol: EvaluationProtocol;
  ks: number[];
  /** Negatives per case; ignored for the `full` protocol. */
  negatives: number;
  seed: number;
  /** Evaluated models; the first is the baseline of the comparisons. */
  models: EvaluatedModel[];
}

/** The two files of a metrics artifact. */
export interface MetricsReport {
  metrics: MetricsFile;
  perUser: PerUserFile;
}

/** Computes per-case metric values, keyed by overall metric name. */
function perCaseByName(
  ranks: CaseRanks,
  split: string,
  ks: number[],
): PerCaseMetrics {
  const named: PerCaseMetrics = {};
  const protocols = [
    [ranks.full, `${split}.`],
    [ranks.sampled, `${split}.sampled.`],
  ] as const;

  for (const [protocolRanks, prefix] of protocols) {
    if (!protocolRanks) continue;
    const perCase = metricsFromRanks(protocolRanks, { ks });
    for (const [metric, values] of Object.entries(perCase)) {
      named[`${prefix}${metric}`] = values;
    }
  }
  return named;
}

/** Averages overall and per segment into one flat name-to-value map. */
function modelMetrics(
  perCase: PerCaseMetrics,
  input: ReportInput,
): Record<string, number> {
  const split = input.caseSet.split;
  const metrics: Record<string, number> = {
    [`${split}.cases`]: input.caseSet.cases.length,
  };
  if (input.caseSet.cases.length > 0) {
    Object.assign(metrics, averageMetrics(perCase));
  }

  for (const segment of SEGMENT_NAMES) {
    const indices = input.segments[segment];
    metrics[`${split}.${segment}.cases`] = indices.length;
    // An empty segment has no mean, and JSON cannot carry NaN.
    if (indices.length === 0) continue;
    const averages = averageMetrics(perCase, indices);
    for (const [name, value] of Object.entries(averages)) {
      metrics[name.replace(`${split}.`, `${split}.${segment}.`)] = value;
    }
  }
  return metrics;
}

/** Computes each overall metric's 95% interval, where n >= 2. */
function modelIntervals(
  perCase: PerCaseMetrics,
): Record<string, MetricInterval> {
  const intervals: Record<string, MetricInterval> = {};
  for (const [name, values] of Object.entries(perCase)) {
    if (values.length < 2) continue;
    const { low, high } = meanConfidenceInterval(Array.from(values));
    intervals[name] = { low, high };
  }
  return intervals;
}

/** Compares one metric of `model` against `baseline`, case by case. */
function compareMetric(
  names: { baseline: string; model: string; metric: string },
  baselineValues: Float64Array,
  modelValues: Float64Array,
): PairedComparison {
  const model = Array.from(modelValues);
  const baseline = Array.from(baselineValues);
  const tTest = pairedTTest(model, baseline);
  const wilcoxon = wilcoxonSignedRank(model, baseline);
  // HR@K is 0 or 1 per case, where McNemar's test is the usual one.
  const binary = /(^|\.)hr@\d+$/.test(names.metric);
  return {
    ...names,
    n: model.length,
    baselineMean: mean(baseline),
    modelMean: mean(model),
    meanDifference: tTest.meanDifference,
    tTest: { statistic: tTest.statistic, df: tTest.df, pValue: tTest.pValue },
    wilcoxon: {
      statistic: wilcoxon.statistic,
      pValue: wilcoxon.pValue,
      method: wilcoxon.method,
      nonZero: wilcoxon.n,
    },
    ...(binary && { mcNemar: mcNemarTest(model, baseline) }),
  };
}

/** Compares the first model with every other one, on every metric. */
function comparisons(
  models: EvaluatedModel[],
  perCase: Map<string, PerCaseMetrics>,
): PairedComparison[] {
  const [first, ...others] = models;
  if (!first) return [];
  const baselineCases = perCase.get(first.name)!;
  const result: PairedComparison[] = [];

  for (const other of others) {
    const otherCases = perCase.get(other.name)!;
    for (const [metric, baselineValues] of Object.entries(baselineCases)) {
      // The paired t-test needs two pairs for its variance.
      if (baselineValues.length < 2) continue;
      result.push(
        compareMetric(
          { baseline: first.name, model: other.name, metric },
          baselineValues,
          otherCases[metric],
        ),
      );
    }
  }
  return result;
}

/** Builds the content of `metrics.json` and `per-user.json`. */
export function buildMetricsReport(input: ReportInput): MetricsReport {
  const { caseSet, thresholds } = input;
  const perCase = new Map<string, PerCaseMetrics>();
  for (const model of input.models) {
    perCase.set(
      model.name,
      perCaseByName(model.ranks, caseSet.split, input.ks),
    );
  }

  const metrics: MetricsFile = {
    formatVersion: metricsFormatVersion,
    split: caseSet.split,
    protocol: input.protocol,
    ks: input.ks,
    negatives: input.protocol === 'full' ? null : input.negatives,
    seed: input.seed,
    cases: caseSet.cases.length,
    skippedUsers: caseSet.skippedUsers,
    segments: Object.fromEntries(
      SEGMENT_NAMES.map((name) => [
        name,
        {
          rule: describeSegment(name, thresholds),
          cases: input.segments[name].length,
        },
      ]),
    ) as MetricsFile['segments'],
    models: {},
    intervals: {},
    modelInfo: {},
    comparisons: comparisons(input.models, perCase),
  };
  const perUser: PerUserFile = {
    formatVersion: metricsFormatVersion,
    split: caseSet.split,
    users: caseSet.cases.map((testCase) => testCase.user),
    models: {},
  };

  for (const model of input.models) {
    const values = perCase.get(model.name)!;
    metrics.models[model.name] = modelMetrics(values, input);
    metrics.intervals[model.name] = modelIntervals(values);
    metrics.modelInfo[model.name] = {
      description: model.description,
      producer: model.producer,
      usersPerS: model.ranks.usersPerS,
      durationMs: model.ranks.durationMs,
    };
    perUser.models[model.name] = Object.fromEntries(
      Object.entries(values).map(([name, list]) => [name, Array.from(list)]),
    );
  }

  return { metrics, perUser };
}

/**
 * Flattens `metrics.json`'s model metrics into `<model>.<metric>` keys,
 * for example `student.test.ndcg@10`: the node's returned metrics.
 */
export function flattenMetrics(metrics: MetricsFile): Record<string, number> {
  const flat: Record<string, number> = {};
  for (const [model, values] of Object.entries(metrics.models)) {
    for (const [name, value] of Object.entries(values)) {
      flat[`${model}.${name}`] = value;
    }
  }
  return flat;
}
