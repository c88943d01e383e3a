/**
 * The files of a `metrics` artifact, as the `evaluate` node writes them.
 *
 * Metric names read `<split>[.<segment>][.sampled].<metric>`, for example
 * `test.ndcg@10`, `test.cold-item.hr@20`, `test.sampled.ndcg@10` or
 * `valid.sparse-user.sampled.mrr`. Names without `sampled` come from full
 * ranking over all items. `<split>[.<segment>].cases` is a segment's
 * number of test cases.
 */
import type { EvaluationProtocol } from './rank-cases.js';
import type { SegmentName } from './segments.js';
import type { EvaluationSplit } from './test-cases.js';

/** File names inside a metrics artifact folder. */
export const metricsFiles = {
  metrics: 'metrics.json',
  perUser: 'per-user.json',
} as const;

/** Version of the layout of both files; bumped on incompatible changes. */
export const metricsFormatVersion = 1;

/** A segment of the test cases and its size. */
export interface SegmentSummary {
  /** The rule in words, for example `target has <= 5 training ...`. */
  rule: string;
  /** Number of test cases in the segment. */
  cases: number;
}

/** A model's identity and speed in one evaluation. */
export interface ModelSummary {
  /** The recommender's own description. */
  description: string;
  /** Name of the node that produced the model; null for `most-popular`. */
  producer: string | null;
  /**
   * Test users scored and ranked per second (both protocols together).
   * Note: this and `durationMs` are absent from `metrics.json`, because
   * timings would make identical evaluations differ; the node's summary
   * keeps `usersPerS`.
   */
  usersPerS: number;
  durationMs: number;
}

/** Student's t 95% interval of one overall metric's mean. */
export interface MetricInterval {
  low: number;
  high: number;
}

/** A paired comparison of one metric between two models. */
export interface PairedComparison {
  /** The first model, the one every other model is compared with. */
  baseline: string;
  model: string;
  /** Full metric name, for example `test.ndcg@10`. */
  metric: string;
  /** Number of paired test cases. */
  n: number;
  baselineMean: number;
  modelMean: number;
  /** Mean of model - baseline over the paired cases. */
  meanDifference: number;
  /** Paired t-test: t statistic (model - baseline), df, two-sided p. */
  tTest: { statistic: number; df: number; pValue: number };
  /** Wilcoxon signed-rank test, two-sided. */
  wilcoxon: {
    statistic: number;
    pValue: number;
    method: 'exact' | 'normal';
    nonZero: number;
  };
  /**
   * McNemar's exact test, for metrics that are 0 or 1 per case (HR@K):
   * cases only the model hits, only the baseline hits, two-sided p.
   */
  mcNemar?: { onlyA: number; onlyB: number; pValue: number };
}

/** The content of `metrics.json`. */
export interface MetricsFile {
  formatVersion: number;
  split: EvaluationSplit;
  protocol: EvaluationProtocol;
  ks: number[];
  /** Negatives per case in the sampled protocol; null for `full`. */
  negatives: number | null;
  seed: number;
  /** Number of test cases, one per user with at least 3 interactions. */
  cases: number;
  /** Users with fewer than 3 interactions, left out. */
  skippedUsers: number;
  segments: Record<SegmentName, SegmentSummary>;
  /**
   * Model name, then metric name (see the file header), then value.
   * Segments without cases have no metric values, only `cases`.
   */
  models: Record<string, Record<string, number>>;
  /** Model name, then overall metric name, then its 95% interval. */
  intervals: Record<string, Record<string, MetricInterval>>;
  modelInfo: Record<string, ModelSummary>;
  /** The first model against every other model, per overall metric. */
  comparisons: PairedComparison[];
}

/** The content of `per-user.json`: per-case values for paired tests. */
export interface PerUserFile {
  formatVersion: number;
  split: EvaluationSplit;
  /** Re-indexed user of each position in the value lists. */
  users: number[];
  /** Model name, then overall metric name, then one value per user. */
  models: Record<string, Record<string, number[]>>;
}
