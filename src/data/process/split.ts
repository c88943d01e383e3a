/**
 * The leave-one-out split defined in `dataset.ts`: for a history s of
 * length n >= 3, training uses s[0..n-3], validation predicts s[n-2] from
 * s[0..n-3] and test predicts s[n-1] from s[0..n-2].
 */

/** Minimum number of interactions a user needs for the split. */
export const minSplitInteractions = 3;

/** One user's split. */
export interface UserSplit {
  /** Training sequence, s[0..n-3]. */
  train: number[];
  /** Validation input (equal to `train`) and target s[n-2]. */
  validInput: number[];
  validTarget: number;
  /** Test input s[0..n-2] and target s[n-1]. */
  testInput: number[];
  testTarget: number;
}

/** Splits one chronological history; throws when it is shorter than 3. */
export function splitLeaveOneOut(sequence: readonly number[]): UserSplit {
  const n = sequence.length;
  if (n < minSplitInteractions) {
    throw new RangeError(
      `Internal error: a history of length ${n} reached the split; ` +
        `loading must drop users with fewer than ${minSplitInteractions} ` +
        'interactions.',
    );
  }

  const train = sequence.slice(0, n - 2);
  return {
    train,
    validInput: train,
    validTarget: sequence[n - 2],
    testInput: sequence.slice(0, n - 1),
    testTarget: sequence[n - 1],
  };
}

/**
 * Counts items that occur only as a test target: in no training sequence
 * and as no validation target. They stay in the dataset (a model cannot
 * have learned them, which is what cold-start evaluation measures).
 */
export function countTestOnlyItems(sequences: readonly number[][]): number {
  const seenBeforeTest = new Set<number>();
  const testTargets = new Set<number>();
  for (const sequence of sequences) {
    const last = sequence.length - 1;
    for (let i = 0; i < last; i++) {
      seenBeforeTest.add(sequence[i]);
    }

    testTargets.add(sequence[last]);
  }

  let count = 0;
  for (const item of testTargets) {
    if (!seenBeforeTest.has(item)) {
      count += 1;
    }
  }

  return count;
}
