/**
 * The most-popular baseline: a pseudo-model that scores every item by its
 * number of training interactions, the same list for every user. Any
 * trained model should beat it; `evaluate` always reports it.
 */
import { tf } from '../engine/index.js';
import type { Recommender } from '../models/recommender.js';

/** Model name under which `evaluate` reports the baseline. */
export const MOST_POPULAR_NAME = 'most-popular';

/**
 * Creates the baseline from training interaction counts (`counts[i]` for
 * item i, as `trainingItemCounts` returns them; `counts[0]` is ignored).
 *
 * Note: items with equal counts tie, and ties rank the target
 * pessimistically, so a never-seen target ranks behind every other
 * never-seen candidate.
 */
export function createMostPopular(counts: Int32Array): Recommender {
  const numItems = counts.length - 1;
  // [1, numItems + 1]; padding gets -1 so it sorts below every real item.
  const row = tf.tensor2d(
    Float32Array.from(counts, (count, item) => (item === 0 ? -1 : count)),
    [1, numItems + 1],
  );

  return {
    description: 'most-popular (training interaction counts)',
    numItems,
    maxLength: Number.POSITIVE_INFINITY,
    scoreAll(histories) {
      return tf.tile(row, [histories.length, 1]) as tf.Tensor2D;
    },
    dispose() {
      row.dispose();
    },
  };
}
