/**
 * Training objectives and the loss of one batch. One description covers
 * the four training nodes: SASRec pretraining (cross-entropy or sampled
 * BCE), teacher refinement (cross-entropy plus KL to the student) and
 * distillation back into the student (cross-entropy plus KL to the
 * teacher, ranking distillation and item-embedding MSE).
 */
import { tf } from '../engine/index.js';
import { gatherRows } from './gather-rows.js';
import {
  embeddingMseLoss,
  rankingDistillationLoss,
  rankWeights,
  sampledBceLoss,
  topItems,
} from './losses.js';
import type { SequentialModel } from './model.js';
import type { Prng } from './prng.js';
import { softmaxLoss } from './softmax-loss.js';

/** Main next-item loss. */
export type LossKind = 'softmax' | 'bce';

/** The loss terms of a training run. */
export interface Objective {
  /**
   * `softmax`: cross-entropy over all items at every position. `bce`: the
   * SASRec paper's binary cross-entropy with one sampled negative.
   */
  loss: LossKind;
  /** Weight of the next-item loss, `1 - alpha` in distillation. */
  lossWeight: number;
  /** Positions per chunk of the full-softmax terms. */
  chunkSize: number;
  /** KL(reference_T || trained_T), with its weight per epoch. */
  kl?: {
    reference: SequentialModel;
    temperature: number;
    /** Weight of the `T^2 * KL` term in epoch `epoch` (from 1). */
    weightAt(epoch: number): number;
  };
  /** Ranking distillation from a teacher's top-K items. */
  ranking?: {
    teacher: SequentialModel;
    weight: number;
    topK: number;
    lambda: number;
  };
  /** MSE between the trained item table and a teacher's output table. */
  embedding?: { teacher: SequentialModel; weight: number };
}

/** A batch already turned into tensors. */
export interface BatchTensors {
  /** `[batch, maxLength]` int32 item ids. */
  inputs: tf.Tensor2D;
  /** `[P]` int32 flat indices of scored positions. */
  positions: tf.Tensor1D;
  /** `[P]` int32 target items. */
  targets: tf.Tensor1D;
  /** `[P]` int32 sampled negatives, for the `bce` loss. */
  negatives?: tf.Tensor1D;
  /**
   * States of fixed models (KL reference, ranking teacher) at the scored
   * positions, `[P, e]`, where the run computed them in advance; others
   * are computed from `inputs`.
   */
  references?: Map<SequentialModel, tf.Tensor2D>;
}

/** Tensors the loss needs that do not depend on the trained weights. */
interface Constants {
  klReference?: { hidden: tf.Tensor2D; table: tf.Tensor2D };
  topItems?: tf.Tensor2D;
  rankWeights?: tf.Tensor1D;
}

/**
 * Builds the batch's loss as a function for `tf.variableGrads`. The
 * reference models run here, outside that function, because the
 * full-softmax loss reads their outputs in the backward pass. Call inside
 * `tf.tidy`.
 */
export function batchLoss(
  model: SequentialModel,
  objective: Objective,
  batch: BatchTensors,
  epoch: number,
  random: Prng,
): () => tf.Scalar {
  const constants = computeConstants(objective, batch);
  return () => {
    const hidden = scoredStates(model, batch, random);
    const table = model.outputTable();
    let loss = mainLoss(objective, batch, hidden, table, epoch, constants);
    if (objective.ranking && constants.topItems && constants.rankWeights) {
      const term = rankingDistillationLoss(
        hidden,
        table,
        constants.topItems,
        constants.rankWeights,
      );
      loss = tf.add(loss, tf.mul(term, objective.ranking.weight));
    }
    if (objective.embedding) {
      const term = embeddingMseLoss(
        table,
        objective.embedding.teacher.outputTable(),
      );
      loss = tf.add(loss, tf.mul(term, objective.embedding.weight));
    }
    return loss as tf.Scalar;
  };
}

/**
 * Encodes a batch and returns the states at scored positions in item
 * space, `[P, e]`. Passing `random` turns dropout on.
 */
export function scoredStates(
  model: SequentialModel,
  batch: BatchTensors,
  random?: Prng,
): tf.Tensor2D {
  const hidden = model.encode(batch.inputs, random);
  const [size, seqLen, d] = hidden.shape;
  const flat = tf.reshape(hidden, [size * seqLen, d]) as tf.Tensor2D;
  const rows = gatherRows(flat, batch.positions);
  return model.toItemSpace(rows) as tf.Tensor2D;
}

function mainLoss(
  objective: Objective,
  batch: BatchTensors,
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  epoch: number,
  constants: Constants,
): tf.Scalar {
  const klWeight = objective.kl ? objective.kl.weightAt(epoch) : 0;
  const useSoftmax = objective.loss === 'softmax' || klWeight > 0;
  let loss: tf.Scalar = tf.scalar(0);
  if (useSoftmax) {
    const reference =
      objective.kl && constants.klReference && klWeight > 0
        ? {
            ...constants.klReference,
            weight: klWeight,
            temperature: objective.kl.temperature,
          }
        : undefined;
    loss = softmaxLoss(hidden, tf.slice(table, 1) as tf.Tensor2D, {
      targets: batch.targets,
      crossEntropyWeight:
        objective.loss === 'softmax' ? objective.lossWeight : 0,
      reference,
      chunkSize: objective.chunkSize,
    });
  }
  if (objective.loss === 'bce') {
    if (!batch.negatives) {
      throw new Error(
        'Internal error: the `bce` loss needs sampled negatives.',
      );
    }
    const bce = sampledBceLoss(hidden, table, batch.targets, batch.negatives);
    loss = tf.add(loss, tf.mul(bce, objective.lossWeight));
  }
  return loss;
}

/**
 * Returns a function that lists, for scored position `p` of a batch, the
 * items its sequence has shown up to and including `p`, and its target.
 */
export function seenItems(batch: BatchTensors): (position: number) => number[] {
  const inputs = batch.inputs.dataSync() as Int32Array;
  const positions = batch.positions.dataSync() as Int32Array;
  const targets = batch.targets.dataSync() as Int32Array;
  const seqLen = batch.inputs.shape[1];
  return (p) => {
    const flat = positions[p];
    const rowStart = flat - (flat % seqLen);
    const seen = [targets[p]];
    for (let i = rowStart; i <= flat; i++) {
      if (inputs[i] !== 0) seen.push(inputs[i]);
    }
    return seen;
  };
}

function computeConstants(
  objective: Objective,
  batch: BatchTensors,
): Constants {
  const constants: Constants = {};
  const statesOf = new Map<SequentialModel, tf.Tensor2D>();
  const states = (reference: SequentialModel) => {
    let hidden = statesOf.get(reference) ?? batch.references?.get(reference);
    if (!hidden) {
      hidden = scoredStates(reference, batch);
      statesOf.set(reference, hidden);
    }
    return hidden;
  };

  if (objective.kl) {
    const { reference } = objective.kl;
    constants.klReference = {
      hidden: states(reference),
      table: tf.slice(reference.outputTable(), 1) as tf.Tensor2D,
    };
  }
  if (objective.ranking) {
    const { teacher, topK, lambda } = objective.ranking;
    constants.topItems = topItems(
      states(teacher),
      teacher.outputTable(),
      topK,
      objective.chunkSize,
      seenItems(batch),
    );
    constants.rankWeights = tf.tensor1d(rankWeights(topK, lambda));
  }
  return constants;
}
