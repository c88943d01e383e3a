/**
 * Full ranking in tensors: the rank of each target among all candidate
 * items of its row, for a whole batch at once, with the rank rule of
 * `ranking.ts` (history and padding excluded, target kept, ties
 * pessimistic, NaN target last).
 */
import { tf } from '../engine/index.js';

/**
 * Builds the `[batch, numItems + 1]` boolean mask of excluded items:
 * padding (0) and every history item of the row except the row's target.
 */
export function exclusionMask(
  histories: readonly (readonly number[])[],
  targets: readonly number[],
  numColumns: number,
): tf.Tensor2D {
  const coordinates: number[] = [];
  histories.forEach((history, row) => {
    coordinates.push(row, 0);
    for (const item of history) {
      if (item !== targets[row]) coordinates.push(row, item);
    }
  });

  return tf.tidy(() => {
    const count = coordinates.length / 2;
    const indices = tf.tensor2d(coordinates, [count, 2], 'int32');
    // scatterND adds repeated coordinates, so a re-consumed item counts
    // more than once; any count above zero means excluded.
    const hits = tf.scatterND(indices, tf.ones([count], 'int32'), [
      histories.length,
      numColumns,
    ]) as tf.Tensor2D;
    return tf.greater(hits, 0) as tf.Tensor2D;
  });
}

/**
 * Ranks each row's target among the row's candidates, 1-based.
 *
 * `scores` is `[batch, numItems + 1]` and stays owned by the caller. The
 * history mask sets excluded items to -Infinity, then one comparison with
 * the target's score and one sum per row give the rank.
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

  const excluded = exclusionMask(histories, targets, numColumns);
  const ranks = tf.tidy(() => {
    const candidate = tf.logicalNot(excluded);
    const masked = tf.where(
      excluded,
      tf.fill([batch, numColumns], -Infinity),
      scores,
    );

    // [batch, 1]: each row's score at its own target column.
    const targetIndices = tf.tensor2d(targets, [batch, 1], 'int32');
    const targetScores = tf.gather(scores, targetIndices, 1, 1);

    // The target itself is a candidate scoring >= itself, so the count is
    // 1 + the other candidates at or above it: the pessimistic rank. The
    // AND with `candidate` keeps masked items out even when the target's
    // own score is -Infinity.
    const atOrAbove = tf.logicalAnd(
      tf.greaterEqual(masked, targetScores),
      candidate,
    );
    const counts = tf.sum(tf.cast(atOrAbove, 'int32'), 1);
    const candidateCounts = tf.sum(tf.cast(candidate, 'int32'), 1);
    const nanTarget = tf.reshape(tf.isNaN(targetScores), [batch]);
    return tf.where(nanTarget, candidateCounts, counts);
  });
  excluded.dispose();

  const values = ranks.dataSync() as Int32Array;
  ranks.dispose();
  return Int32Array.from(values);
}
