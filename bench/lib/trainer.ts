/**
 * Our side of the benchmark: one training step of the product's model
 * with its batches, loss and Adam, and its full-ranking evaluation. The
 * step composes the same exported pieces as the training loop in
 * src/models/train.ts, without its per-epoch validation and checkpoints,
 * which the benchmark does not time.
 */
import { tf } from '../../src/engine/index.js';
import { ndcgAtK } from '../../src/metrics/ranking.js';
import { rankCases } from '../../src/metrics/rank-cases.js';
import { Adam, type AdamOptions } from '../../src/models/adam.js';
import { buildBatch } from '../../src/models/batches.js';
import type { SequentialModel } from '../../src/models/model.js';
import { batchLoss, type Objective } from '../../src/models/objective.js';
import type { Prng } from '../../src/models/prng.js';
import type { BenchData } from './data.js';

/** A model with its optimizer and loss, ready to take steps. */
export interface Trainer {
  model: SequentialModel;
  adam: Adam;
  objective: Objective;
  learningRate: number;
  /** Product weight name of each tfjs variable name. */
  names: Map<string, string>;
}

/**
 * Creates Adam and the full-softmax cross-entropy objective that
 * `pretrain-student` uses, for `model`.
 */
export function createTrainer(
  model: SequentialModel,
  adam: AdamOptions,
  learningRate: number,
  chunkSize: number,
): Trainer {
  const names = new Map<string, string>();
  for (const [name, variable] of model.variables) {
    names.set(variable.name, name);
  }
  return {
    model,
    adam: new Adam(adam),
    objective: { loss: 'softmax', lossWeight: 1, chunkSize },
    learningRate,
    names,
  };
}

/**
 * Runs one Adam step on `sequences` and returns the batch loss before the
 * update. Dropout masks come from `random`.
 */
export function trainStep(
  trainer: Trainer,
  sequences: number[][],
  random: Prng,
): number {
  const { model } = trainer;
  const batch = buildBatch(sequences, model.maxLength);
  return tf.tidy(() => {
    const tensors = {
      inputs: tf.tensor2d(
        batch.inputs,
        [batch.size, model.maxLength],
        'int32',
      ),
      positions: tf.tensor1d(batch.positions, 'int32'),
      targets: tf.tensor1d(batch.targets, 'int32'),
    };
    const loss = batchLoss(model, trainer.objective, tensors, 1, random);
    const variables = [...model.variables.values()];
    const { value, grads } = tf.variableGrads(loss, variables);
    const named: Record<string, tf.Tensor> = {};
    for (const [tfName, grad] of Object.entries(grads)) {
      named[trainer.names.get(tfName) as string] = grad;
    }
    trainer.adam.apply(model.variables, named, () => trainer.learningRate);
    return value.dataSync()[0];
  });
}

/** NDCG@10 of a full ranking of every test case, and its speed. */
export interface Evaluation {
  ndcg10: number;
  usersPerSecond: number;
}

/**
 * Ranks every test case's target among all items with the evaluation
 * node's code (`scoreAll`, then the rank rule of src/metrics/ranking.ts)
 * and averages NDCG@10.
 */
export function evaluateModel(
  model: SequentialModel,
  data: BenchData,
  batchSize: number,
): Evaluation {
  const ranked = rankCases(model, data.testCases, {
    protocol: 'full',
    batchSize,
  });
  const ranks = ranked.full as Int32Array;
  let sum = 0;
  for (const rank of ranks) sum += ndcgAtK(rank, 10);
  return {
    ndcg10: ranks.length === 0 ? Number.NaN : sum / ranks.length,
    usersPerSecond: ranked.usersPerS,
  };
}
