/**
 * Functional building blocks of the transformer on tfjs-core: dense
 * layers over the last axis, LayerNorm, activations and seeded dropout.
 */
import { layerNormLastAxis, tf } from '../engine/index.js';
import { addRows } from './broadcast-rows.js';
import type { Activation } from './config.js';
import type { Prng } from './prng.js';

/**
 * LayerNorm epsilon. The official SASRec code uses 1e-8; float32 variance
 * of a real hidden state is far above it, and an all-zero padding row
 * normalises to the offset without dividing by zero.
 */
export const LAYER_NORM_EPSILON = 1e-8;

/** Dense layer over the last axis: `[..., in]` to `[..., out]`. */
export function dense(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias?: tf.Tensor,
): tf.Tensor {
  const [inSize, outSize] = kernel.shape as [number, number];
  const flat = tf.reshape(x, [-1, inSize]) as tf.Tensor2D;
  let y: tf.Tensor = tf.matMul(flat, kernel as tf.Tensor2D);
  if (bias) y = addRows(y, bias);
  return tf.reshape(y, [...x.shape.slice(0, -1), outSize]);
}

/** LayerNorm over the last axis with gain `gamma` and offset `beta`. */
export function layerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
): tf.Tensor {
  return layerNormLastAxis(x, gamma, beta, LAYER_NORM_EPSILON);
}

/** Applies the FFN activation. */
export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'gelu':
      return gelu(x);
  }
}

// The tanh approximation of GELU; tfjs-core 4.22 has no GELU op.
function gelu(x: tf.Tensor): tf.Tensor {
  const cubic = tf.mul(tf.pow(x, 3), 0.044715);
  const inner = tf.mul(tf.add(x, cubic), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/**
 * Applies inverted dropout with a mask drawn from `random`, or nothing
 * when `random` is undefined (inference). Training passes the run's
 * generator, so masks repeat exactly on resume.
 */
export function dropout(
  x: tf.Tensor,
  rate: number,
  random: Prng | undefined,
): tf.Tensor {
  if (!random || rate === 0) return x;
  // Drawing the mask here is several times faster than tf.dropout on the
  // cpu backend (tfjs 4.22), whose randomUniform runs a seeded generator
  // object per element, and it keeps one generator for the whole run.
  const keep = 1 - rate;
  // The wasm backend copies a new tensor's values at once, so the mask
  // can come straight from the kernels' memory. The cpu backend keeps the
  // array it is given, so it gets a copy.
  const drawn = random.drawMask(x.size, keep, 1 / keep);
  const mask = tf.getBackend() === 'wasm' ? drawn : drawn.slice();
  return tf.mul(x, tf.tensor(mask, x.shape));
}
