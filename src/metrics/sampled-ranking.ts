/**
 * The sampled protocol of the SASRec paper (Kang and McAuley, ICDM 2018):
 * rank the target among itself and a fixed number of negatives (100 there)
 * drawn uniformly from the items outside the user's history. Its numbers
 * are far higher than full-ranking numbers, so metric names carry a
 * `sampled.` label.
 *
 * Negatives here are distinct and never the target. Ties count against
 * the target, as in full ranking, and a NaN target score ranks last.
 */
import { tf } from '../engine/index.js';
import { Prng } from '../models/prng.js';
import { pickColumns } from './pick-columns.js';
import type { TestCase } from './test-cases.js';

/** Draws `count` distinct items of 1..numItems outside `excluded`. */
function drawDistinct(
  numItems: number,
  excluded: ReadonlySet<number>,
  count: number,
  random: Prng,
): number[] {
  const available = numItems - excluded.size;
  if (available <= 2 * count) {
    // Dense exclusion: list the pool and shuffle its first `count` slots,
    // because rejection sampling would loop for long.
    const pool: number[] = [];
    for (let item = 1; item <= numItems; item++) {
      if (!excluded.has(item)) pool.push(item);
    }
    const taken = Math.min(count, pool.length);
    for (let i = 0; i < taken; i++) {
      const j = i + random.nextInt(pool.length - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, taken);
  }

  const chosen = new Set<number>();
  while (chosen.size < count) {
    const item = 1 + random.nextInt(numItems);
    if (!excluded.has(item)) chosen.add(item);
  }
  return [...chosen];
}

/**
 * Derives the seed of one user's stream, so the negatives do not depend
 * on batch size or case order and are the same for every model.
 */
function streamSeed(seed: number, user: number): number {
  // The golden-ratio multiplier spreads seeds apart before the user index
  // is mixed in; Prng's splitmix32 seeding decorrelates nearby results.
  return (Math.imul(seed, 0x9e3779b1) ^ user) >>> 0;
}

/**
 * Samples each case's negatives, seeded per (seed, user).
 *
 * Note: a user whose history leaves fewer than `count` other items gets
 * all of them, so the case is ranked among fewer items.
 */
export function sampleNegatives(
  cases: readonly TestCase[],
  numItems: number,
  count: number,
  seed: number,
): number[][] {
  return cases.map((testCase) => {
    const excluded = new Set<number>(testCase.history);
    excluded.add(testCase.target);
    excluded.delete(0);
    const random = new Prng(streamSeed(seed, testCase.user));
    return drawDistinct(numItems, excluded, count, random);
  });
}

/**
 * Computes the pessimistic rank of `target` among itself and `negatives`
 * in one score row: the plain-JS reference of `rankTargetsSampled`.
 */
export function sampledRankOfTarget(
  scores: ArrayLike<number>,
  target: number,
  negatives: readonly number[],
): number {
  const targetScore = scores[target];
  if (Number.isNaN(targetScore)) return negatives.length + 1;

  let atOrAbove = 0;
  for (const item of negatives) {
    if (scores[item] >= targetScore) atOrAbove++;
  }
  return atOrAbove + 1;
}

/**
 * Ranks each row's target among itself and its negatives, for a batch.
 * `scores` is `[batch, numItems + 1]` and stays owned by the caller.
 */
export function rankTargetsSampled(
  scores: tf.Tensor2D,
  targets: readonly number[],
  negatives: readonly (readonly number[])[],
): Int32Array {
  const batch = scores.shape[0];
  const width = Math.max(1, ...negatives.map((row) => row.length));

  // Rows with fewer negatives are padded with column 0 and a false flag.
  const columns = new Int32Array(batch * width);
  const valid = new Uint8Array(batch * width);
  negatives.forEach((row, r) => {
    row.forEach((item, c) => {
      columns[r * width + c] = item;
      valid[r * width + c] = 1;
    });
  });

  const ranks = tf.tidy(() => {
    const targetScores = pickColumns(scores, targets, 1);
    // [batch, width]: each row's scores at its own negatives.
    const negativeScores = pickColumns(scores, columns, width);
    const validMask = tf.tensor2d(valid, [batch, width], 'bool');

    const atOrAbove = tf.logicalAnd(
      tf.greaterEqual(negativeScores, targetScores),
      validMask,
    );
    const counts = tf.add(tf.sum(tf.cast(atOrAbove, 'int32'), 1), 1);
    const worst = tf.add(tf.sum(tf.cast(validMask, 'int32'), 1), 1);
    const nanTarget = tf.reshape(tf.isNaN(targetScores), [batch]);
    return tf.where(nanTarget, worst, counts);
  });

  const values = Int32Array.from(ranks.dataSync() as Int32Array);
  ranks.dispose();
  return values;
}
