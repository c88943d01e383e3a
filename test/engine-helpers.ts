/**
 * Shared pieces of the engine tests: seeded inputs, the stock-versus-ours
 * switch and an element-wise closeness check.
 */
import { expect } from 'vitest';
import { initEngine, resetEngine, tf, type EngineInfo } from '../src/engine/index.js';

/** Returns a seeded float32 tensor of `shape` with values in [-1, 1). */
export function seededTensor(shape: number[], seed: number): tf.Tensor {
  let state = seed >>> 0;
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    // A linear congruential step is enough for test inputs.
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }

  return tf.tensor(values, shape);
}

/** Runs `compute` on the stock `cpu` kernels and returns plain arrays. */
export async function withStockKernels<T>(compute: () => T): Promise<T> {
  resetEngine();
  await tf.setBackend('cpu');
  return compute();
}

/** Runs `compute` after `initEngine(options)` and returns its result. */
export async function withEngine<T>(
  compute: (info: EngineInfo) => T,
  options: Parameters<typeof initEngine>[0] = { backend: 'cpu' },
): Promise<T> {
  resetEngine();
  const info = await initEngine(options);
  return compute(info);
}

/** Expects equal shapes and values within `tolerance` (absolute). */
export function expectClose(
  actual: { shape: number[]; values: number[] },
  expected: { shape: number[]; values: number[] },
  tolerance = 1e-4,
): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.values.length).toBe(expected.values.length);
  let worst = 0;
  for (let i = 0; i < actual.values.length; i++) {
    const scale = Math.max(1, Math.abs(expected.values[i]!));
    worst = Math.max(worst, Math.abs(actual.values[i]! - expected.values[i]!) / scale);
  }
  expect(worst).toBeLessThan(tolerance);
}

/** Reads a tensor into a plain shape-and-values record and disposes it. */
export function snapshot(tensor: tf.Tensor): { shape: number[]; values: number[] } {
  const result = { shape: [...tensor.shape], values: Array.from(tensor.dataSync()) };
  tensor.dispose();
  return result;
}
