/**
 * LayerNorm over the last axis as one op. On the `cpu` and `wasm`
 * backends the forward and backward passes are two loops over the rows;
 * elsewhere the op is composed of tensor ops. Composed, one LayerNorm of a
 * training step ran about twenty element-wise kernels forward and backward
 * on the `cpu` backend, each allocating a full-size array, and its two
 * `Mean` reductions were the slowest of them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { floatData } from '../kernels/register-wasm.js';
import { simdKernels, type SimdKernels } from '../simd/simd-kernels.js';

/**
 * Returns `(x - mean) / sqrt(variance + epsilon) * gamma + beta`, with the
 * mean and the population variance taken over the last axis of `x`, and
 * `gamma` and `beta` shaped like that axis. Gradients flow to all three.
 */
export function layerNormLastAxis(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  const width = x.shape[x.rank - 1] ?? 0;
  if (
    gamma.rank !== 1 || beta.rank !== 1 || gamma.shape[0] !== width ||
    beta.shape[0] !== width
  ) {
    throw new Error(
      `layerNormLastAxis expects gamma and beta of shape [${width}], ` +
        `received [${gamma.shape}] and [${beta.shape}]`,
    );
  }
  const backend = tf.getBackend();
  const plainArrays = (backend === 'cpu' || backend === 'wasm') &&
    x.dtype === 'float32' && width > 0;
  if (!plainArrays) return composedLayerNorm(x, gamma, beta, epsilon);

  // On wasm, operands are read in the wasm heap, and with the SIMD
  // kernels the results are copied straight from their memory: four
  // full-size copies and three allocations fewer per pass. Neither pass
  // allocates a tensor before it has read its operands.
  const simd = backend === 'wasm' ? simdForWidth(width) : undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [
      tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc,
    ];
    const [xValues, gammaValues, betaValues] = [input, g, b]
      .map(floatData) as [Float32Array, Float32Array, Float32Array];
    const forward = simd
      ? simdForward(simd, xValues, gammaValues, betaValues, width, epsilon,
        false)
      : layerNormForward(xValues, gammaValues, betaValues, width, epsilon);
    const normalised = tf.tensor(forward.normalised, input.shape);
    const inverseStd = tf.tensor1d(forward.inverseStd);
    const value = tf.tensor(forward.output, input.shape);
    save([normalised, inverseStd, g]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedNormalised, savedInverseStd, savedGamma] = saved as [
          tf.Tensor, tf.Tensor1D, tf.Tensor1D,
        ];
        const operands = [dy, savedNormalised, savedInverseStd, savedGamma]
          .map(floatData) as [
            Float32Array, Float32Array, Float32Array, Float32Array,
          ];
        const grads = simd
          ? simdBackward(simd, ...operands, width, false)
          : layerNormBackward(...operands, width);
        return [
          tf.tensor(grads.input, dy.shape),
          tf.tensor1d(grads.gamma),
          tf.tensor1d(grads.beta),
        ];
      },
    };
  });
  return op(x, gamma, beta);
}

function composedLayerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, x.rank - 1, true);
    const normalised = tf.mul(
      tf.sub(x, mean),
      tf.rsqrt(tf.add(variance, epsilon)),
    );
    return tf.add(tf.mul(normalised, gamma), beta);
  });
}

/** Output, normalised input and per-row 1 / std of a forward pass. */
export interface LayerNormForward {
  output: Float32Array;
  normalised: Float32Array;
  inverseStd: Float32Array;
}

/**
 * Runs the forward pass on row-major arrays of `width` values per row, in
 * the SIMD kernels when they load and `width` is a multiple of 4.
 */
export function layerNormForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  width: number,
  epsilon: number,
): LayerNormForward {
  const simd = simdForWidth(width);
  if (simd) return simdForward(simd, x, gamma, beta, width, epsilon);
  const rows = x.length / width;
  const output = new Float32Array(x.length);
  const normalised = new Float32Array(x.length);
  const inverseStd = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    const start = row * width;
    const end = start + width;
    let sum = 0;
    for (let i = start; i < end; i++) sum += x[i]!;
    const mean = sum / width;
    let squares = 0;
    for (let i = start; i < end; i++) {
      const centred = x[i]! - mean;
      squares += centred * centred;
    }
    const scale = 1 / Math.sqrt(squares / width + epsilon);
    inverseStd[row] = scale;
    for (let i = start, j = 0; i < end; i++, j++) {
      const value = (x[i]! - mean) * scale;
      normalised[i] = value;
      output[i] = value * gamma[j]! + beta[j]!;
    }
  }
  return { output, normalised, inverseStd };
}

/** Gradients of a LayerNorm for its input, gamma and beta. */
export interface LayerNormGrads {
  input: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
}

/**
 * Runs the backward pass: with n = normalised input and g = dy * gamma,
 * dx = inverseStd * (g - mean(g) - n * mean(g * n)) per row,
 * dgamma = sum over rows of dy * n, dbeta = sum over rows of dy.
 */
export function layerNormBackward(
  dy: Float32Array,
  normalised: Float32Array,
  inverseStd: Float32Array,
  gamma: Float32Array,
  width: number,
): LayerNormGrads {
  const simd = simdForWidth(width);
  if (simd) return simdBackward(simd, dy, normalised, inverseStd, gamma, width);
  const rows = dy.length / width;
  const input = new Float32Array(dy.length);
  const gammaGrad = new Float64Array(width);
  const betaGrad = new Float64Array(width);
  for (let row = 0; row < rows; row++) {
    const start = row * width;
    const end = start + width;
    let gradSum = 0;
    let gradDotNormalised = 0;
    for (let i = start, j = 0; i < end; i++, j++) {
      const d = dy[i]!;
      const n = normalised[i]!;
      gammaGrad[j]! += d * n;
      betaGrad[j]! += d;
      const g = d * gamma[j]!;
      gradSum += g;
      gradDotNormalised += g * n;
    }
    const meanGrad = gradSum / width;
    const meanGradDot = gradDotNormalised / width;
    const scale = inverseStd[row]!;
    for (let i = start, j = 0; i < end; i++, j++) {
      input[i] =
        scale * (dy[i]! * gamma[j]! - meanGrad - normalised[i]! * meanGradDot);
    }
  }
  return {
    input,
    gamma: Float32Array.from(gammaGrad),
    beta: Float32Array.from(betaGrad),
  };
}

// The SIMD kernels take rows of whole vectors, four floats each.
function simdForWidth(width: number): SimdKernels | undefined {
  return width % 4 === 0 ? simdKernels() : undefined;
}

// NOTE: the SIMD forward pass sums squares in float32, so a row with
// values above about 1e19 overflows and normalises to zeros (as the stock
// float32 ops do), where the float64 JavaScript pass stays finite.
// The SIMD versions copy the operands into the kernels' memory and, with
// `copy`, the results out. Without it the results are views into that
// memory, valid until the kernels' next call.
function simdForward(
  simd: SimdKernels,
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  width: number,
  epsilon: number,
  copy = true,
): LayerNormForward {
  const rows = x.length / width;
  const bytes = x.length * 4;
  const [input, g, b, out, norm, inv] = simd.reserve([
    bytes, width * 4, width * 4, bytes, bytes, rows * 4,
  ]) as [number, number, number, number, number, number];
  simd.f32(input, x.length).set(x);
  simd.f32(g, width).set(gamma);
  simd.f32(b, width).set(beta);
  simd.exports.layerNormForward(input, g, b, out, norm, inv, rows, width,
    epsilon);
  const take = (view: Float32Array) => (copy ? view.slice() : view);
  return {
    output: take(simd.f32(out, x.length)),
    normalised: take(simd.f32(norm, x.length)),
    inverseStd: take(simd.f32(inv, rows)),
  };
}

function simdBackward(
  simd: SimdKernels,
  dy: Float32Array,
  normalised: Float32Array,
  inverseStd: Float32Array,
  gamma: Float32Array,
  width: number,
  copy = true,
): LayerNormGrads {
  const rows = dy.length / width;
  const bytes = dy.length * 4;
  const [d, norm, inv, g, dx, gammaGrad, betaGrad] = simd.reserve([
    bytes, bytes, rows * 4, width * 4, bytes, width * 8, width * 8,
  ]) as [number, number, number, number, number, number, number];
  simd.f32(d, dy.length).set(dy);
  simd.f32(norm, dy.length).set(normalised);
  simd.f32(inv, rows).set(inverseStd);
  simd.f32(g, width).set(gamma);
  simd.f64(gammaGrad, width).fill(0);
  simd.f64(betaGrad, width).fill(0);
  simd.exports.layerNormBackward(d, norm, inv, g, dx, gammaGrad, betaGrad,
    rows, width);
  const input = simd.f32(dx, dy.length);
  return {
    input: copy ? input.slice() : input,
    gamma: Float32Array.from(simd.f64(gammaGrad, width)),
    beta: Float32Array.from(simd.f64(betaGrad, width)),
  };
}
