/**
 * Multi-head self-attention with a causal mask and a key padding mask, as
 * in a SASRec block.
 */
import { tf } from '../engine/index.js';
import { dense, dropout } from './layers.js';
import type { Prng } from './prng.js';

/**
 * Added to the logits of masked keys. A finite value instead of -Infinity
 * keeps the softmax of an all-padding query row finite (such rows are
 * zeroed afterwards and never reach a loss).
 */
const MASKED_LOGIT = -1e9;

/** Weights of one attention layer. */
export interface AttentionWeights {
  queryKernel: tf.Tensor;
  queryBias: tf.Tensor;
  keyKernel: tf.Tensor;
  keyBias: tf.Tensor;
  valueKernel: tf.Tensor;
  valueBias: tf.Tensor;
  outputKernel: tf.Tensor;
  outputBias: tf.Tensor;
}

/**
 * Builds the additive attention mask `[batch, 1, seqLen, seqLen]` from
 * item ids `[batch, seqLen]` (0 is padding): query i may attend to key j
 * when j <= i and key j is an item. Filling it in plain JS is much faster
 * than composing it from broadcasting tfjs ops on the cpu backend.
 */
export function attentionMask(
  ids: Int32Array | Uint8Array | Float32Array,
  batch: number,
  seqLen: number,
): tf.Tensor4D {
  const mask = new Float32Array(batch * seqLen * seqLen).fill(MASKED_LOGIT);
  for (let b = 0; b < batch; b++) {
    const row = b * seqLen;
    for (let i = 0; i < seqLen; i++) {
      const offset = (row + i) * seqLen;
      for (let j = 0; j <= i; j++) {
        if (ids[row + j] !== 0) mask[offset + j] = 0;
      }
    }
  }
  return tf.tensor4d(mask, [batch, 1, seqLen, seqLen]);
}

/**
 * Self-attention over `x` `[batch, seqLen, d]` with `heads` heads and the
 * additive `mask` from `attentionMask`. Dropout applies to the attention
 * probabilities, as in the official SASRec code. Returns `[batch, seqLen,
 * d]` after the output projection.
 *
 * With `lastQueryOnly`, only the last position queries: the result is
 * `[batch, 1, d]`, the last row of the full result, at a fraction of the
 * cost. Scoring needs nothing else from the last block.
 */
export function selfAttention(
  x: tf.Tensor,
  weights: AttentionWeights,
  mask: tf.Tensor4D,
  heads: number,
  dropoutRate: number,
  random: Prng | undefined,
  lastQueryOnly = false,
): tf.Tensor {
  const [batch, seqLen, d] = x.shape;
  const headSize = d / heads;
  // With one head the transposes only copy data, so they are skipped.
  const split = (t: tf.Tensor) => {
    const length = t.shape[1]!;
    return heads === 1
      ? tf.reshape(t, [batch, 1, length, d])
      : tf.transpose(
          tf.reshape(t, [batch, length, heads, headSize]),
          [0, 2, 1, 3],
        );
  };

  const queries = lastQueryOnly ? lastPosition(x) : x;
  // q is [batch, heads, queries, headSize]. k and v have seqLen rows.
  const q = split(dense(queries, weights.queryKernel, weights.queryBias));
  const k = split(dense(x, weights.keyKernel, weights.keyBias));
  const v = split(dense(x, weights.valueKernel, weights.valueBias));
  const queryMask = lastQueryOnly
    ? tf.slice(mask, [0, 0, seqLen - 1, 0], [-1, -1, 1, -1])
    : mask;
  const queryCount = queries.shape[1]!;

  // [batch, heads, queries, seqLen]
  const logits = tf.add(
    tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headSize)),
    queryMask,
  );
  const probabilities = dropout(tf.softmax(logits), dropoutRate, random);

  // [batch, heads, queries, headSize] back to [batch, queries, d].
  const perHead = tf.matMul(probabilities, v);
  const context = tf.reshape(
    heads === 1 ? perHead : tf.transpose(perHead, [0, 2, 1, 3]),
    [batch, queryCount, d],
  );
  return dense(context, weights.outputKernel, weights.outputBias);
}

/** Returns the last position of `[batch, seqLen, d]` as `[batch, 1, d]`. */
export function lastPosition(x: tf.Tensor): tf.Tensor {
  const seqLen = x.shape[1]!;
  return tf.slice(x, [0, seqLen - 1, 0], [-1, 1, -1]);
}
