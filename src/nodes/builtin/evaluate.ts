/**
 * The `evaluate` node type: ranks all items for every test user with each
 * input model and the most-popular baseline. It writes HR@K, NDCG@K and
 * MRR overall and per segment, per-user values, and paired tests of the
 * first model against the others (layout in `src/metrics/metrics-file.ts`).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Dataset } from '../../data/dataset.js';
import { readDataset } from '../../data/artifact.js';
import { loadRecommender } from '../../models/artifact.js';
import type { Recommender } from '../../models/recommender.js';
import { flattenMetrics } from '../../metrics/build-report.js';
import {
  evaluateModels,
  type NamedRecommender,
} from '../../metrics/evaluate-models.js';
import {
  metricsFiles,
  type MetricsFile,
  type ModelSummary,
} from '../../metrics/metrics-file.js';
import { formatMetricsTable } from '../../metrics/metrics-table.js';
import { MOST_POPULAR_NAME } from '../../metrics/popularity.js';
import type { EvaluationProtocol } from '../../metrics/rank-cases.js';
import type { EvaluationSplit } from '../../metrics/test-cases.js';
import {
  defineNodeType,
  type ArtifactRef,
  type NodeContext,
  type NodeResult,
} from '../node-type.js';

export { formatMetricsTable };

/** Parameters of `evaluate`, as validated against the schema below. */
export interface EvaluateParams {
  ks: number[];
  split: EvaluationSplit;
  protocol: EvaluationProtocol;
  negatives: number;
  coldItemThreshold: number;
  sparseUserThreshold: number;
  batchSize: number;
  seed: number;
}

/** Readers of the node's input artifacts; tests pass in-memory fakes. */
export interface EvaluateLoaders {
  readDataset(dir: string): Promise<Dataset>;
  loadRecommender(dir: string): Promise<Recommender>;
}

const artifactLoaders: EvaluateLoaders = { readDataset, loadRecommender };

/** Takes one input as a single artifact or a list, by its declaration. */
function inputList(
  value: ArtifactRef | ArtifactRef[] | undefined,
): ArtifactRef[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Names each model after its producing node. A repeated name, or one
 * equal to the baseline's, gets a `-2`, `-3`, ... suffix.
 */
export function modelNames(producers: readonly string[]): string[] {
  const taken = new Set<string>([MOST_POPULAR_NAME]);
  return producers.map((producer) => {
    let name = producer;
    for (let suffix = 2; taken.has(name); suffix++)
      name = `${producer}-${suffix}`;
    taken.add(name);
    return name;
  });
}

/** Loads every model input, disposing the loaded ones if one fails. */
async function loadModels(
  refs: ArtifactRef[],
  loaders: EvaluateLoaders,
): Promise<NamedRecommender[]> {
  const names = modelNames(refs.map((ref) => ref.producer));
  const loaded: NamedRecommender[] = [];
  try {
    for (const [i, ref] of refs.entries()) {
      const recommender = await loaders.loadRecommender(ref.dir);
      loaded.push({ name: names[i], producer: ref.producer, recommender });
    }
  } catch (error) {
    for (const model of loaded) model.recommender.dispose();
    throw error;
  }
  return loaded;
}

// Ranking speed differs between runs that rank identically, so it stays
// out of the artifact's files (the summary keeps `usersPerS`) and equal
// results give an equal artifact digest.
function withoutTimings(metrics: MetricsFile) {
  const modelInfo: Record<string, Pick<ModelSummary, 'description' | 'producer'>> =
    {};
  for (const [name, info] of Object.entries(metrics.modelInfo)) {
    modelInfo[name] = { description: info.description, producer: info.producer };
  }

  return { ...metrics, modelInfo };
}

/** Writes a JSON file into the artifact folder. */
async function writeJson(dir: string, file: string, value: unknown) {
  await writeFile(path.join(dir, file), `${JSON.stringify(value)}\n`);
}

/**
 * Runs the evaluation with the given loaders: the body of the node's
 * `run`, exported so tests can pass in-memory datasets and models.
 */
export async function runEvaluate(
  context: NodeContext<EvaluateParams>,
  loaders: EvaluateLoaders = artifactLoaders,
): Promise<NodeResult> {
  const { params } = context;
  const [datasetRef] = inputList(context.inputs.dataset);
  if (!datasetRef) {
    throw new Error(
      'Internal error: `evaluate` ran without its required `dataset` input.',
    );
  }
  const dataset = await loaders.readDataset(datasetRef.dir);
  const models = await loadModels(inputList(context.inputs.models), loaders);

  let report;
  try {
    report = evaluateModels(dataset, models, {
      ...params,
      signal: context.signal,
      onProgress: (model, done, total) =>
        context.emit({
          kind: 'progress',
          phase: `evaluating ${model}`,
          step: done,
          steps: total,
        }),
    });
  } finally {
    for (const model of models) model.recommender.dispose();
  }

  context.emit({ kind: 'progress', phase: 'writing' });
  await writeJson(
    context.outDir,
    metricsFiles.metrics,
    withoutTimings(report.metrics),
  );
  await writeJson(context.outDir, metricsFiles.perUser, report.perUser);

  for (const [name, info] of Object.entries(report.metrics.modelInfo)) {
    context.emit({
      kind: 'log',
      level: 'info',
      message:
        `Ranked ${report.metrics.cases} users with ${name} in ` +
        `${Math.round(info.durationMs)} ms ` +
        `(${Math.round(info.usersPerS)} users/s).`,
    });
  }
  const table = formatMetricsTable(report.metrics);
  context.emit({ kind: 'log', level: 'info', message: table });
  return {
    metrics: flattenMetrics(report.metrics),
    summary: {
      table,
      split: params.split,
      protocol: params.protocol,
      cases: report.metrics.cases,
      models: Object.keys(report.metrics.models),
      segments: report.metrics.segments,
      usersPerS: Object.fromEntries(
        Object.entries(report.metrics.modelInfo).map(([name, info]) => [
          name,
          info.usersPerS,
        ]),
      ),
    },
  };
}

/** The `evaluate` node type. */
export const evaluateNodeType = defineNodeType<EvaluateParams>({
  name: 'evaluate',
  version: '1',
  description:
    'Ranks all items for each test user with every input model and a ' +
    'most-popular baseline; reports HR@K, NDCG@K and MRR per segment.',
  module: import.meta.url,
  usesEngine: true,
  output: 'metrics',
  inputs: {
    dataset: {
      kind: 'dataset',
      description: 'The dataset the models were trained on.',
    },
    models: {
      kind: 'model',
      multiple: true,
      description:
        'Models to compare, named after their nodes; the first is the ' +
        'baseline of the paired tests.',
    },
  },
  params: {
    ks: {
      type: 'array',
      items: { type: 'integer', min: 1, description: 'A cut-off K.' },
      minItems: 1,
      default: [10, 20],
      description: 'Cut-offs K of HR@K and NDCG@K.',
    },
    split: {
      type: 'enum',
      values: ['test', 'valid'],
      default: 'test',
      description:
        "`test` predicts each user's last item from the rest; `valid` " +
        'predicts the second-to-last from the items before it.',
    },
    protocol: {
      type: 'enum',
      values: ['full', 'sampled', 'both'],
      default: 'full',
      description:
        '`full` ranks the target among all items outside the history; ' +
        '`sampled` among `negatives` sampled items (SASRec paper), with ' +
        '`sampled.` in the metric names; `both` reports both.',
    },
    negatives: {
      type: 'integer',
      min: 1,
      default: 100,
      description: 'Negatives per user in the sampled protocol.',
    },
    coldItemThreshold: {
      type: 'integer',
      min: 0,
      default: 5,
      description:
        'A target with at most this many training interactions is in the ' +
        '`cold-item` segment.',
    },
    sparseUserThreshold: {
      type: 'integer',
      min: 0,
      default: 30,
      description:
        'A user whose input history has at most this many items is in the ' +
        '`sparse-user` segment. Note: MovieLens keeps only users with at ' +
        'least 20 ratings, so thresholds below 19 leave the segment empty ' +
        'there. The default 30 selects about a fifth of the users (221 of ' +
        '943 in ml-100k, 119 of 610 in ml-latest-small), enough for ' +
        'paired tests.',
    },
    batchSize: {
      type: 'integer',
      min: 1,
      default: 256,
      description: 'Test users scored per batch.',
    },
    seed: {
      type: 'integer',
      default: 42,
      description: 'Seed of the sampled negatives.',
    },
  },
  run: (context) => runEvaluate(context),
});
