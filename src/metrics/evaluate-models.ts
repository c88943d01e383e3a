/**
 * Evaluates trained recommenders and the most-popular baseline on one
 * split of a dataset: builds the test cases and segments, samples the
 * negatives once for all models, ranks every case with every model and
 * builds the report.
 */
import type { Dataset } from '../data/dataset.js';
import type { Recommender } from '../models/recommender.js';
import {
  buildMetricsReport,
  type EvaluatedModel,
  type MetricsReport,
} from './build-report.js';
import { MOST_POPULAR_NAME, createMostPopular } from './popularity.js';
import { rankCases, type EvaluationProtocol } from './rank-cases.js';
import { sampleNegatives } from './sampled-ranking.js';
import { assignSegments, type SegmentThresholds } from './segments.js';
import {
  buildTestCases,
  trainingItemCounts,
  type EvaluationSplit,
} from './test-cases.js';

/** A recommender with the name it is reported under. */
export interface NamedRecommender {
  /** Unique report name, for example the producing node's name. */
  name: string;
  /** Producing node name, kept in `metrics.json`. */
  producer: string | null;
  recommender: Recommender;
}

/** Options of `evaluateModels`. */
export interface EvaluateModelsOptions extends SegmentThresholds {
  split: EvaluationSplit;
  protocol: EvaluationProtocol;
  /** Cut-offs of HR@K and NDCG@K. */
  ks: number[];
  /** Negatives per case in the sampled protocol. */
  negatives: number;
  /** Test users per `scoreAll` call. */
  batchSize: number;
  /** Seed of the sampled negatives. */
  seed: number;
  signal?: AbortSignal;
  /** Called after each batch of each model. */
  onProgress?(model: string, done: number, total: number): void;
}

/** Checks that a model scores the dataset's items. */
function checkItemCount(model: NamedRecommender, numItems: number): void {
  if (model.recommender.numItems === numItems) return;
  throw new RangeError(
    `Model \`${model.name}\` scores ${model.recommender.numItems} items but ` +
      `the dataset has ${numItems}: evaluate a model trained on this ` +
      `dataset artifact.`,
  );
}

/**
 * Evaluates `models` and then the most-popular baseline, which is always
 * last. Models are scored in the given order; the first is the baseline
 * of the paired comparisons. The caller keeps ownership of `models`.
 */
export function evaluateModels(
  dataset: Dataset,
  models: NamedRecommender[],
  options: EvaluateModelsOptions,
): MetricsReport {
  for (const model of models) checkItemCount(model, dataset.numItems);

  const caseSet = buildTestCases(dataset, options.split);
  const counts = trainingItemCounts(dataset);
  const segments = assignSegments(caseSet.cases, counts, options);
  const negatives =
    options.protocol === 'full'
      ? undefined
      : sampleNegatives(
          caseSet.cases,
          dataset.numItems,
          options.negatives,
          options.seed,
        );

  const baseline = createMostPopular(counts);
  const evaluated: EvaluatedModel[] = [];
  try {
    const all: NamedRecommender[] = [
      ...models,
      { name: MOST_POPULAR_NAME, producer: null, recommender: baseline },
    ];
    for (const model of all) {
      const ranks = rankCases(model.recommender, caseSet.cases, {
        protocol: options.protocol,
        batchSize: options.batchSize,
        negatives,
        signal: options.signal,
        onBatch: (done, total) => options.onProgress?.(model.name, done, total),
      });
      evaluated.push({
        name: model.name,
        producer: model.producer,
        description: model.recommender.description,
        ranks,
      });
    }
  } finally {
    baseline.dispose();
  }

  return buildMetricsReport({
    caseSet,
    segments,
    thresholds: {
      coldItemThreshold: options.coldItemThreshold,
      sparseUserThreshold: options.sparseUserThreshold,
    },
    protocol: options.protocol,
    ks: options.ks,
    negatives: options.negatives,
    seed: options.seed,
    models: evaluated,
  });
}
