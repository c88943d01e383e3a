/**
 * Multi-head self-attention with a causal mask and a key padding mask, as
 * in a SASRec block.
 */
import { tf } from '../engine/index.js';
import { dense, dropout, type SeedSource } from './layers.js';

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
 * when j <= i and key j is an item.
 */
export function attentionMask(inputs: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, seqLen] = inputs.shape;
    const causal = tf.linalg.bandPart(tf.ones([seqLen, seqLen]), -1, 0);
    const keyIsItem = tf.cast(tf.notEqual(inputs, 0), 'float32');
    // [batch, 1, 1, seqLen] * [seqLen, seqLen] broadcasts to the full mask.
    const allowed = tf.mul(tf.reshape(keyIsItem, [batch, 1, 1, seqLen]), causal);
    return tf.mul(tf.sub(1, allowed), MASKED_LOGIT) as tf.Tensor4D;
  });
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
  seeds: SeedSource | undefined,
): tf.Tensor {
  const [batch, seqLen, d] = x.shape;
  const headSize = d / heads;
  const split = (t: tf.Tensor) =>
    tf.transpose(tf.reshape(t, [batch, seqLen, heads, headSize]), [0, 2, 1, 3]);

  // Each is [batch, heads, seqLen, headSize].
  const q = split(dense(x, weights.queryKernel, weights.queryBias));
  const k = split(dense(x, weights.keyKernel, weights.keyBias));
  const v = split(dense(x, weights.valueKernel, weights.valueBias));

  // [batch, heads, seqLen, seqLen]
  const logits = tf.add(
    tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headSize)),
    mask,
  );
  const probabilities = dropout(tf.softmax(logits), dropoutRate, seeds);

  // [batch, heads, seqLen, headSize] back to [batch, seqLen, d].
  const context = tf.reshape(
    tf.transpose(tf.matMul(probabilities, v), [0, 2, 1, 3]),
    [batch, seqLen, d],
  );
  return dense(context, weights.outputKernel, weights.outputBias);
}
