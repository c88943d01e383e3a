/**
 * Test cases of the leave-one-out split, as `src/data/dataset.ts` defines
 * it: for a history s of length n >= 3, training is s[0..n-3], validation
 * predicts s[n-2] from s[0..n-3], and test predicts s[n-1] from s[0..n-2].
 */
import type { Dataset } from '../data/dataset.js';

/** Held-out item to predict: the last (`test`) or second-to-last. */
export type EvaluationSplit = 'test' | 'valid';

/** Shortest history that has a training part, a validation and a test item. */
export const MIN_SPLIT_LENGTH = 3;

/** One user's prediction task. */
export interface TestCase {
  /** Re-indexed user, the index into `Dataset.sequences`. */
  user: number;
  /** Input history, oldest first; also the items excluded from ranking. */
  history: number[];
  /** Held-out item to rank. */
  target: number;
}

/** The cases of one split, and the users left out of it. */
export interface TestCaseSet {
  split: EvaluationSplit;
  cases: TestCase[];
  /** Users with fewer than 3 interactions, which have no split. */
  skippedUsers: number;
}

/** Builds one test case per user with at least 3 interactions. */
export function buildTestCases(
  dataset: Pick<Dataset, 'sequences'>,
  split: EvaluationSplit,
): TestCaseSet {
  const cases: TestCase[] = [];
  let skippedUsers = 0;

  dataset.sequences.forEach((sequence, user) => {
    if (sequence.length < MIN_SPLIT_LENGTH) {
      skippedUsers++;
      return;
    }

    const targetIndex =
      split === 'test' ? sequence.length - 1 : sequence.length - 2;
    cases.push({
      user,
      history: sequence.slice(0, targetIndex),
      target: sequence[targetIndex],
    });
  });

  return { split, cases, skippedUsers };
}

/**
 * Counts each item's training interactions: the items of s[0..n-3] for
 * every user with n >= 3. Validation and test targets are not counted, so
 * the counts leak nothing about the held-out items. `counts[0]` is 0.
 */
export function trainingItemCounts(
  dataset: Pick<Dataset, 'sequences' | 'numItems'>,
): Int32Array {
  const counts = new Int32Array(dataset.numItems + 1);
  for (const sequence of dataset.sequences) {
    if (sequence.length < MIN_SPLIT_LENGTH) continue;
    for (let i = 0; i < sequence.length - 2; i++) counts[sequence[i]]++;
  }
  return counts;
}
