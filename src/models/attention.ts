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
 */
export function selfAttention(
  x: tf.Tensor,
  weights: AttentionWeights,
  mask: tf.Tensor4D,
  heads: number,
  dropoutRate: number,
  random: Prng | undefined,
): tf.Tensor {
  const [batch, seqLen, d] = x.shape;
  const headSize = d / heads;
  // With one head the transposes only copy data, so they are skipped.
  const split = (t: tf.Tensor) =>
    heads === 1
      ? tf.reshape(t, [batch, 1, seqLen, d])
      : tf.transpose(
          tf.reshape(t, [batch, seqLen, heads, headSize]),
          [0, 2, 1, 3],
        );

  // Each is [batch, heads, seqLen, headSize].
  const q = split(dense(x, weights.queryKernel, weights.queryBias));
  const k = split(dense(x, weights.keyKernel, weights.keyBias));
  const v = split(dense(x, weights.valueKernel, weights.valueBias));

  // [batch, heads, seqLen, seqLen]
  const logits = tf.add(
    tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headSize)),
    mask,
  );
  const probabilities = dropout(tf.softmax(logits), dropoutRate, random);

  // [batch, heads, seqLen, headSize] back to [batch, seqLen, d].
  const perHead = tf.matMul(probabilities, v);
  const context = tf.reshape(
    heads === 1 ? perHead : tf.transpose(perHead, [0, 2, 1, 3]),
    [batch, seqLen, d],
  );
  return dense(context, weights.outputKernel, weights.outputBias);
}
