/**
 * Parameter schemas and helpers shared by the training node types
 * (`pretrain-student`, `refine-teacher`, `distill-back`) and
 * `init-teacher-from-student`.
 *
 * Defaults follow the SASRec paper's setup on MovieLens-1M: d = 50, 2
 * blocks, 1 head, maxLength 200, dropout 0.2, Adam with learning rate 0.001
 * and batch 128. Where a default differs for MovieLens-100K, its
 * description gives the reason. Upper bounds reject sizes that are
 * certainly typos, not sizes a machine can afford.
 */
import type { ParamSchema, ParamSpec } from '../nodes/node-type.js';
import type { TrainOptions } from './train-options.js';
import type { LossKind } from './objective.js';

/** Largest width, in units, of any hidden or embedding size. */
export const MAX_WIDTH = 4096;

/** Largest number of epochs. */
export const MAX_EPOCHS = 10_000;

/** Parameters every training node has. */
export interface TrainingParams {
  epochs: number;
  batchSize: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  patience: number;
  seed: number;
  validationUsers: number;
  chunkSize: number;
}

/** Defaults a node type may override in `trainingParamSchema`. */
export interface TrainingDefaults {
  epochs: number;
  learningRate: number;
  patience: number;
}

/** Schema of the parameters in `TrainingParams`. */
export function trainingParamSchema(defaults: TrainingDefaults): ParamSchema {
  return {
    epochs: integer(
      'Maximum training epochs; early stopping may end sooner.',
      defaults.epochs,
      1,
      MAX_EPOCHS,
    ),
    batchSize: integer(
      'Sequences (users) per Adam step. Default 128, as in the SASRec paper.',
      128,
      1,
      65_536,
    ),
    learningRate: {
      type: 'number',
      description: 'Adam learning rate.',
      default: defaults.learningRate,
      exclusiveMin: 0,
      max: 1,
    },
    beta1: fraction('Adam first-moment decay. Default 0.9.', 0.9),
    beta2: fraction(
      'Adam second-moment decay. Default 0.98.',
      0.98,
    ),
    weightDecay: {
      type: 'number',
      description:
        'Decoupled (AdamW) weight decay per step, times the learning rate. Default 0.',
      default: 0,
      min: 0,
      max: 1,
    },
    patience: integer(
      'Epochs without a better validation NDCG@10 before stopping; 0 never stops early.',
      defaults.patience,
      0,
      MAX_EPOCHS,
    ),
    seed: integer(
      'Seed of initialisation, shuffling, sampling and dropout.',
      42,
      0,
      2 ** 32 - 1,
    ),
    validationUsers: integer(
      'Validation users scored each epoch (a fixed seeded sample); 0 scores all.',
      0,
      0,
      100_000_000,
    ),
    chunkSize: integer(
      'Positions per chunk of the full-softmax loss: peak memory is about ' +
        '5 * chunkSize * numItems * 4 bytes. Default 1024.',
      1024,
      1,
      1_000_000,
    ),
  };
}

/** Schema of the `loss` parameter. */
export const lossParam: ParamSpec = {
  type: 'enum',
  values: ['softmax', 'bce'],
  default: 'softmax',
  description:
    '`softmax`: cross-entropy over all items at every position. `bce`: ' +
    "the SASRec paper's binary cross-entropy with one sampled negative.",
};

/** Converts validated parameters into the training loop's options. */
export function trainOptionsFrom(
  params: TrainingParams,
  extra: Partial<TrainOptions> = {},
): TrainOptions {
  return {
    epochs: params.epochs,
    batchSize: params.batchSize,
    learningRate: params.learningRate,
    adam: {
      beta1: params.beta1,
      beta2: params.beta2,
      epsilon: 1e-8,
      weightDecay: params.weightDecay,
    },
    patience: params.patience,
    seed: params.seed,
    validationUsers: params.validationUsers,
    ...extra,
  };
}

/** Returns the loss kind after validation, for typing. */
export function lossKind(value: string): LossKind {
  return value === 'bce' ? 'bce' : 'softmax';
}

/** Builds an integer parameter spec. */
export function integer(
  description: string,
  defaultValue: number,
  min: number,
  max: number,
): ParamSpec {
  return { type: 'integer', description, default: defaultValue, min, max };
}

/** Builds a number parameter spec in [0, 1). */
export function fraction(description: string, defaultValue: number): ParamSpec {
  return {
    type: 'number',
    description,
    default: defaultValue,
    min: 0,
    max: 0.999,
  };
}
