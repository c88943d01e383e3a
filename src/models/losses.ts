/**
 * The sampled and auxiliary losses: SASRec's binary cross-entropy with one
 * negative per position, ranking distillation from a teacher's top-K, and
 * the item-embedding MSE. The full-softmax loss is in `softmax-loss.ts`.
 *
 * `log(sigmoid(x))` is written as `-softplus(-x)` throughout, because the
 * gradient of `tf.logSigmoid` fails inside a training step on the wasm
 * backend (tfjs 4.22).
 */
import { tf } from '../engine/index.js';
import { gatherRows } from './gather-rows.js';

/**
 * SASRec's loss: for each position, `-log σ(h·e_pos) - log(1 - σ(h·e_neg))`
 * with one sampled negative, averaged over positions. `hidden` `[P, e]`,
 * `table` `[numItems + 1, e]` with the padding row, `positives` and
 * `negatives` `[P]` int32 item ids.
 */
export function sampledBceLoss(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  positives: tf.Tensor1D,
  negatives: tf.Tensor1D,
): tf.Scalar {
  const positiveLogits = rowDot(hidden, gatherRows(table, positives));
  const negativeLogits = rowDot(hidden, gatherRows(table, negatives));
  // -log σ(x) = softplus(-x); -log(1 - σ(x)) = softplus(x).
  return tf.mean(
    tf.add(tf.softplus(tf.neg(positiveLogits)), tf.softplus(negativeLogits)),
  );
}

function rowDot(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(a, b), 1);
}

/**
 * Weights of ranks 1..K in ranking distillation, `exp(-rank / lambda)`
 * normalised to sum to 1, so the teacher's first item counts most. The
 * ranking distillation paper (Tang and Wang, KDD 2018) weights ranks the
 * same way.
 */
export function rankWeights(topK: number, lambda: number): Float32Array {
  const weights = new Float32Array(topK);
  let total = 0;
  for (let r = 0; r < topK; r++) {
    weights[r] = Math.exp(-(r + 1) / lambda);
    total += weights[r];
  }
  return weights.map((w) => w / total);
}

/**
 * Ranking distillation: treats the teacher's top-K items at each position
 * as weighted positives, `mean_p sum_r w_r * -log σ(h_p · e_{item_pr})`.
 * `hidden` `[P, e]`, `table` `[numItems + 1, e]`, `topItems` `[P, K]` int32,
 * `weights` `[K]` from `rankWeights`.
 */
export function rankingDistillationLoss(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  topItems: tf.Tensor2D,
  weights: tf.Tensor1D,
): tf.Scalar {
  const [positions, topK] = topItems.shape;
  const e = table.shape[1];
  // [P, K, e] dotted with [P, 1, e] gives the student's logits [P, K].
  const itemVectors = tf.reshape(
    gatherRows(table, tf.reshape(topItems, [-1]) as tf.Tensor1D),
    [positions, topK, e],
  );
  const logits = tf.sum(
    tf.mul(itemVectors, tf.reshape(hidden, [positions, 1, e])),
    2,
  );
  const perPosition = tf.sum(tf.mul(tf.softplus(tf.neg(logits)), weights), 1);
  return tf.mean(perPosition);
}

/**
 * Finds each position's `topK` highest-scoring items (ids 1..N) under a
 * model's states `hidden` `[P, e]` and full item `table` `[N + 1, e]`,
 * scoring `chunkSize` positions at a time. Returns `[P, K]` int32.
 *
 * `excluded(p)`, when given, lists the item ids position `p` must not
 * return: ranking distillation passes the items the sequence has already
 * shown up to `p` and its target, so the teacher's ranking adds unseen
 * items only, as in Tang and Wang's method. Excluded items score
 * -Infinity; if fewer than `topK` items remain, excluded ones fill the
 * tail.
 */
export function topItems(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  topK: number,
  chunkSize: number,
  excluded?: (position: number) => Iterable<number>,
): tf.Tensor2D {
  return tf.tidy(() => {
    const items = tf.slice(table, 1) as tf.Tensor2D;
    const numItems = items.shape[0];
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < hidden.shape[0]; start += chunkSize) {
      const size = Math.min(chunkSize, hidden.shape[0] - start);
      const h = tf.slice(hidden, start, size) as tf.Tensor2D;
      let scores = tf.matMul(h, items, false, true);
      if (excluded) {
        const values = scores.dataSync().slice() as Float32Array;
        for (let row = 0; row < size; row++) {
          for (const item of excluded(start + row)) {
            if (item >= 1 && item <= numItems) {
              values[row * numItems + item - 1] = -Infinity;
            }
          }
        }
        scores = tf.tensor2d(values, [size, numItems]);
      }
      const { indices } = tf.topk(scores, topK);
      parts.push(tf.add(indices, tf.scalar(1, 'int32')));
    }
    if (parts.length === 0) return tf.zeros([0, topK], 'int32') as tf.Tensor2D;
    return tf.concat(parts, 0) as tf.Tensor2D;
  });
}

/**
 * Mean squared difference between two item tables `[N + 1, e]`, leaving
 * out the padding row 0.
 */
export function embeddingMseLoss(
  studentTable: tf.Tensor2D,
  teacherTable: tf.Tensor2D,
): tf.Scalar {
  return tf.mean(
    tf.squaredDifference(tf.slice(studentTable, 1), tf.slice(teacherTable, 1)),
  );
}
