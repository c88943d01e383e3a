/**
 * Full ranking in tensors: the rank of each target among all candidate
 * items of its row, for a whole batch at once, with the rank rule of
 * `ranking.ts` (history and padding excluded, target kept, ties
 * pessimistic, NaN target last).
 */
import { tf } from '../engine/index.js';
import { pickColumns } from './pick-columns.js';

/** The -Infinity penalty of excluded items, and each row's candidates. */
export interface ExclusionPenalty {
  /** `[batch, numItems + 1]`: -Infinity where excluded, else 0. */
  penalty: tf.Tensor2D;
  /** Number of candidate items of each row. */
  candidates: Int32Array;
}

/**
 * Builds the penalty that masks padding (0) and every history item of a
 * row except the row's target, and counts each row's candidates.
 */
export function exclusionPenalty(
  histories: readonly (readonly number[])[],
  targets: readonly number[],
  numColumns: number,
): ExclusionPenalty {
  const coordinates: number[] = [];
  const candidates = new Int32Array(histories.length);
  histories.forEach((history, row) => {
    const excluded = new Set(history);
    excluded.delete(targets[row]);
    excluded.add(0);
    for (const item of excluded) coordinates.push(row, item);
    candidates[row] = numColumns - excluded.size;
  });

  const penalty = tf.tidy(() => {
    const count = coordinates.length / 2;
    const indices = tf.tensor2d(coordinates, [count, 2], 'int32');
    return tf.scatterND(indices, tf.fill([count], -Infinity), [
      histories.length,
      numColumns,
    ]) as tf.Tensor2D;
  });
  return { penalty, candidates };
}

/**
 * Ranks each row's target among the row's candidates, 1-based.
 *
 * `scores` is `[batch, numItems + 1]` and stays owned by the caller.
 * Excluded items get -Infinity added, then one comparison with the
 * target's score and one sum per row count the items at or above it.
 */
export function rankTargetsFull(
  scores: tf.Tensor2D,
  histories: readonly (readonly number[])[],
  targets: readonly number[],
): Int32Array {
  const [batch, numColumns] = scores.shape;
  if (histories.length !== batch || targets.length !== batch) {
    throw new RangeError(
      `Internal error: ${batch} score rows for ${histories.length} ` +
        `histories and ${targets.length} targets.`,
    );
  }

  const { penalty, candidates } = exclusionPenalty(
    histories,
    targets,
    numColumns,
  );
  const counts = tf.tidy(() => {
    // An excluded +Infinity score becomes NaN here, and NaN compares false,
    // so it stays excluded too.
    const masked = tf.add(scores, penalty);

    // [batch, numColumns]: each row's target score repeated. An outer
    // product with ones replaces broadcasting because the broadcasting
    // comparison measured about 7x slower (tfjs-backend-cpu 4.22, 256 x
    // 1683 scores, 2-core machine).
    const targetScores = pickColumns(scores, targets, 1);
    const targetRows = tf.matMul(targetScores, tf.ones([1, numColumns]));

    const atOrAbove = tf.greaterEqual(masked, targetRows);
    return tf.sum(tf.cast(atOrAbove, 'int32'), 1);
  });
  penalty.dispose();

  const values = counts.dataSync() as Int32Array;
  counts.dispose();
  return finalRanks(values, candidates);
}

/**
 * Turns counts of items at or above the target into ranks. The target is
 * at or above itself, so a count is already 1 + the others, except for a
 * NaN target (count 0) and a -Infinity target, which every excluded item
 * matches too (count above the candidates): both rank last.
 */
function finalRanks(counts: Int32Array, candidates: Int32Array): Int32Array {
  return counts.map((count, row) =>
    count === 0 ? candidates[row] : Math.min(count, candidates[row]),
  );
}
