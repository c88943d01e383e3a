/**
 * Helpers the training node types share: reading inputs, running the
 * training loop with the node's context, and writing the model artifact
 * with its metrics and summary.
 */
import { readDataset } from '../data/artifact.js';
import type { Dataset } from '../data/dataset.js';
import type {
  ArtifactRef,
  NodeContext,
  NodeResult,
} from '../nodes/node-type.js';
import { loadModel, saveModel } from './artifact.js';
import type { ModelConfig } from './config.js';
import type { SequentialModel } from './model.js';
import type { TrainResult } from './train-options.js';

/** Returns the single artifact of input `name`. */
export function inputArtifact(
  context: NodeContext<unknown>,
  name: string,
): ArtifactRef {
  const input = context.inputs[name];
  if (!input) {
    throw new Error(
      `Input \`${name}\` is missing: connect it in the pipeline file.`,
    );
  }
  if (Array.isArray(input)) {
    throw new Error(`Input \`${name}\` takes one node, got ${input.length}.`);
  }
  return input;
}

/** Reads the dataset of input `dataset`. */
export function readDatasetInput(
  context: NodeContext<unknown>,
): Promise<Dataset> {
  return readDataset(inputArtifact(context, 'dataset').dir);
}

/** Loads the model of input `name`. */
export function readModelInput(
  context: NodeContext<unknown>,
  name: string,
): Promise<SequentialModel> {
  return loadModel(inputArtifact(context, name).dir);
}

/** Checks that a model was trained on the dataset's item set. */
export function checkSameItems(
  config: ModelConfig,
  dataset: Dataset,
  input: string,
): void {
  if (config.numItems !== dataset.numItems) {
    throw new Error(
      `Input \`${input}\` scores ${config.numItems} items but the dataset ` +
        `has ${dataset.numItems}: train it on the same \`load-data\` node.`,
    );
  }
}

/**
 * Writes the trained model into the artifact folder and returns the
 * node's metrics and summary (with the per-epoch history).
 */
export async function finishTraining(
  context: NodeContext<unknown>,
  model: SequentialModel,
  result: TrainResult,
  summary: Record<string, unknown> = {},
): Promise<NodeResult> {
  context.emit({ kind: 'progress', phase: 'writing' });
  await saveModel(context.outDir, model, result.history);
  const metrics: Record<string, number> = {
    bestEpoch: result.bestEpoch,
    'valid.ndcg@10': result.bestValidNdcg10,
    'valid.hr@10': result.bestValidHr10,
    epochsRun: result.epochsRun,
    finalLoss: result.finalLoss,
  };
  return {
    metrics,
    summary: {
      model: model.description,
      config: model.config,
      stoppedEarly: result.stoppedEarly,
      resumedFromEpoch: result.resumedFromEpoch ?? null,
      history: result.history,
      ...summary,
    },
  };
}

/** Builds the training loop's context from a node's context. */
export function trainContext(context: NodeContext<unknown>) {
  return {
    workDir: context.workDir,
    emit: context.emit,
    signal: context.signal,
  };
}
