/**
 * The interface that evaluation uses to score items with any trained model
 * artifact (student, teacher or distilled student).
 */
import type { tf } from '../engine/index.js';

/** A trained sequential recommender loaded from a model artifact. */
export interface Recommender {
  /** Model role and architecture, for example `student (SASRec d=64)`. */
  description: string;
  /** Number of items; scores have `numItems + 1` columns, 0 is padding. */
  numItems: number;
  /** Maximum history length read; longer histories keep their latest items. */
  maxLength: number;
  /**
   * Scores every item as the next one after each history.
   * Returns `[histories.length, numItems + 1]`; the caller disposes it.
   */
  scoreAll(histories: number[][]): tf.Tensor2D;
  /** Frees the model's weights. */
  dispose(): void;
}
