/**
 * The training and validation views of a dataset under its leave-one-out
 * split: for a history s of length n, training reads s[0..n-3] and
 * validation predicts s[n-2] from s[0..n-3]. The test item s[n-1] is never
 * read here.
 */
import type { Dataset } from '../data/dataset.js';

/** One validation case. */
export interface ValidationCase {
  user: number;
  /** Items before the validation target, oldest first. */
  history: number[];
  target: number;
}

/** The parts of a dataset that training reads. */
export interface TrainingSplit {
  numItems: number;
  /**
   * Training history per user that has at least two training items (one
   * input and one target); others cannot contribute a position.
   */
  sequences: { user: number; items: number[] }[];
  validation: ValidationCase[];
}

/** Splits a dataset for training; the test items are left out. */
export function trainingSplit(dataset: Dataset): TrainingSplit {
  const sequences: TrainingSplit['sequences'] = [];
  const validation: ValidationCase[] = [];
  dataset.sequences.forEach((history, user) => {
    const n = history.length;
    if (n < 3) return;
    const train = history.slice(0, n - 2);
    if (train.length >= 2) sequences.push({ user, items: train });
    validation.push({ user, history: train, target: history[n - 2] });
  });
  if (sequences.length === 0) {
    throw new Error(
      'The dataset has no user with at least 4 interactions, so no ' +
        'training position exists: load more data or relax the filters.',
    );
  }
  return { numItems: dataset.numItems, sequences, validation };
}
