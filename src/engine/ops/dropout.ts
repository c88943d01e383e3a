/**
 * Inverted dropout whose mask comes from one inline xorshift generator
 * pass. `tf.dropout` in tfjs-core 4.22 draws its uniforms through the
 * seedrandom package and then runs four tensor ops, which made dropout on
 * `[batch, heads, length, length]` attention weights a large part of a
 * training step.
 */
import * as tf from '@tensorflow/tfjs-core';

let state = 0x9e3779b9;

/** Seeds the generator behind `dropout`, for reproducible masks. */
export function seedDropout(seed: number): void {
  // xorshift32 has a fixed point at 0, so a zero seed is replaced.
  state = seed >>> 0 || 0x9e3779b9;
}

// Fills `keep` with 1 / (1 - rate) for kept elements and 0 for dropped.
function drawMask(size: number, rate: number): Float32Array {
  const keep = new Float32Array(size);
  const scale = 1 / (1 - rate);
  // Compare raw 32-bit draws with the rate scaled to the same range.
  const threshold = Math.floor(rate * 4294967296);
  let s = state;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    if (s >>> 0 >= threshold) keep[i] = scale;
  }
  state = s >>> 0;
  return keep;
}

/**
 * Zeroes each element of `x` with probability `rate` and scales the rest
 * by `1 / (1 - rate)`; the gradient uses the same mask. Returns `x` itself
 * when `rate` is 0. `rate` must be in [0, 1).
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number): T {
  if (!(rate >= 0 && rate < 1)) {
    throw new Error(
      `dropout \`rate\` must be in [0, 1), received ${rate}; use 0 to ` +
        'disable dropout',
    );
  }
  if (rate === 0) return x;

  const apply = tf.customGrad((input, save) => {
    const mask = tf.tensor(drawMask(x.size, rate), x.shape, 'float32');
    (save as (tensors: tf.Tensor[]) => void)([mask]);
    const value = tf.mul(input as tf.Tensor, mask);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]!);
    return { value, gradFunc };
  });

  return apply(x) as T;
}
