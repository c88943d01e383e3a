/**
 * Options and results of the shared training loop.
 */
import type { NodeEmittedEvent } from '../events/events.js';
import type { AdamOptions } from './adam.js';
import type { EpochRecord } from './history.js';

/** Hyperparameters of one training run. */
export interface TrainOptions {
  /** Maximum number of epochs; early stopping may end sooner. */
  epochs: number;
  /** Sequences (users) per step. */
  batchSize: number;
  /** Adam step size of every weight except the item tables. */
  learningRate: number;
  /** Adam step size of the item tables. Default `learningRate`. */
  embeddingLearningRate?: number;
  /**
   * Number of first epochs during which the item tables get no updates.
   * Default 0.
   */
  freezeEpochs?: number;
  adam: AdamOptions;
  /**
   * Epochs without a better validation NDCG@10 before training stops; 0
   * turns early stopping off.
   */
  patience: number;
  /** Seed of shuffling, negative sampling and dropout. */
  seed: number;
  /** Validation users per epoch, a seeded sample; 0 scores every user. */
  validationUsers: number;
}

/** Event sink, cancellation signal and checkpoint folder of a run. */
export interface TrainContext {
  /** Folder for `checkpoint.bin`; none turns checkpoints off. */
  workDir?: string;
  /** Receives progress, metric and log events. */
  emit?(event: NodeEmittedEvent): void;
  /** Checked between steps; aborting stops the run with its reason. */
  signal?: AbortSignal;
}

/** Outcome of a training run; the model then has the best weights. */
export interface TrainResult {
  history: EpochRecord[];
  /** Epoch of the model's final weights (best validation NDCG@10). */
  bestEpoch: number;
  bestValidNdcg10: number;
  bestValidHr10: number;
  epochsRun: number;
  /** Mean training loss of the last epoch run. */
  finalLoss: number;
  /** Whether early stopping ended the run before `epochs`. */
  stoppedEarly: boolean;
  /** Epoch the run resumed after, when it found a checkpoint. */
  resumedFromEpoch?: number;
}
