/**
 * Training and evaluation loops of the benchmark model: Adam with the
 * SASRec betas, batches in a given user order, full-ranking NDCG@10.
 */
import { tf } from '../../src/engine/index.js';
import type { BenchData } from './movielens.js';
import {
  batchLoss, causalMask, makeBatch, scoreAll,
  type SasrecConfig, type Weights,
} from './sasrec.js';

/** Hyperparameters shared with the PyTorch reference. */
export const LEARNING_RATE = 1e-3;
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.98;
export const ADAM_EPSILON = 1e-8;

/** A model, its optimizer and the constant causal mask. */
export interface Trainer {
  config: SasrecConfig;
  weights: Weights;
  optimizer: tf.Optimizer;
  mask: tf.Tensor2D;
}

/** Creates the optimizer and mask for `weights`. */
export function createTrainer(config: SasrecConfig, weights: Weights): Trainer {
  const optimizer = tf.train.adam(LEARNING_RATE, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON);
  return { config, weights, optimizer, mask: causalMask(config.maxLength) };
}

/** Runs one optimizer step on `users` and returns the loss before it. */
export function trainStep(trainer: Trainer, data: BenchData, users: number[], training = true): number {
  const batch = makeBatch(data.train, users, trainer.config.maxLength);
  const loss = trainer.optimizer.minimize(
    () => batchLoss(trainer.weights, trainer.config, batch, trainer.mask, training),
    true,
    [...trainer.weights.values()],
  );
  const value = loss!.dataSync()[0]!;
  loss!.dispose();
  return value;
}

/** Splits an epoch's user order into batches of `batchSize`. */
export function batchesOf(order: number[], batchSize: number): number[][] {
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}

/**
 * Ranks every item for every test user and returns NDCG@10. The padding
 * item is excluded; ties count against the target.
 */
export function evaluateNdcg10(trainer: Trainer, data: BenchData, batchSize = 256): number {
  let total = 0;
  for (let start = 0; start < data.testHistories.length; start += batchSize) {
    const histories = data.testHistories.slice(start, start + batchSize);
    const scores = scoreAll(trainer.weights, trainer.config, histories, trainer.mask);
    const values = scores.dataSync();
    scores.dispose();
    const columns = trainer.config.numItems + 1;
    histories.forEach((_, row) => {
      const target = data.testTargets[start + row]!;
      const base = row * columns;
      const targetScore = values[base + target]!;
      let rank = 0;
      for (let item = 1; item < columns; item++) {
        if (item !== target && values[base + item]! >= targetScore) rank++;
      }
      if (rank < 10) total += 1 / Math.log2(rank + 2);
    });
  }

  return total / data.testHistories.length;
}
