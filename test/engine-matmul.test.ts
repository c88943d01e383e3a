import { describe, expect, test } from 'vitest';
import { tf } from '../src/engine/index.js';
import { loadBlas } from '../src/engine/blas/load-blas.js';
import {
  expectClose, seededTensor, snapshot, withEngine, withStockKernels,
} from './engine-helpers.js';

const blasFound = (await loadBlas()).ok;

interface MatMulCase {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
  /**
   * Whether to compare gradients. tfjs-core 4.22's BatchMatMul gradient
   * does not reduce over broadcast batches, so it fails for every kernel.
   */
  gradients?: boolean;
}

// Shape classes the models use; the stock kernel is the reference for all
// of them because each has equal batches or a batch of 1 on one side.
const CASES: MatMulCase[] = [
  { name: '2-D', a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { name: '2-D transposeA', a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
  { name: '2-D transposeB', a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
  { name: '2-D both transposed', a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { name: '3-D batched', a: [4, 6, 5], b: [4, 5, 3], transposeA: false, transposeB: false },
  { name: '3-D attention scores', a: [3, 8, 4], b: [3, 8, 4], transposeA: false, transposeB: true },
  { name: '3-D transposeA', a: [3, 8, 4], b: [3, 8, 2], transposeA: true, transposeB: false },
  { name: '4-D heads', a: [2, 3, 6, 4], b: [2, 3, 4, 6], transposeA: false, transposeB: false },
  { name: '4-D both transposed', a: [2, 3, 4, 6], b: [2, 3, 5, 4], transposeA: true, transposeB: true },
  { name: 'batch of 1 in B', a: [4, 6, 5], b: [1, 5, 3], transposeA: false, transposeB: false, gradients: false },
  { name: 'batch of 1 in A', a: [1, 6, 5], b: [4, 5, 3], transposeA: false, transposeB: false, gradients: false },
];

function forwardAndGrads(c: MatMulCase): { shape: number[]; values: number[] }[] {
  const a = seededTensor(c.a, 1);
  const b = seededTensor(c.b, 2);
  const product = (x: tf.Tensor, y: tf.Tensor) =>
    tf.matMul(x, y, c.transposeA, c.transposeB);
  // Weighting the output makes each gradient entry distinct.
  const weight = seededTensor(product(a, b).shape, 3);
  const loss = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(product(x, y), weight));
  if (c.gradients === false) return [snapshot(product(a, b))];
  const [da, db] = tf.grads(loss)([a, b]);
  return [snapshot(product(a, b)), snapshot(da!), snapshot(db!)];
}

describe.skipIf(!blasFound)('BLAS BatchMatMul on cpu', () => {
  test.each(CASES)('$name matches the stock kernel', async (c) => {
    const expected = await withStockKernels(() => forwardAndGrads(c));
    const actual = await withEngine((info) => {
      expect(info.blas).toBe(true);
      return forwardAndGrads(c);
    });
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
      expectClose(actual[i]!, expected[i]!);
    }
  });

});

describe.skipIf(!blasFound)('BLAS BatchMatMul on wasm', () => {
  // The wasm kernel writes the product straight into the output tensor's
  // heap memory, so a wrong offset or a detached view would show here.
  test.each(CASES)('$name matches the stock kernel', async (c) => {
    const expected = await withStockKernels(() => forwardAndGrads(c));
    const actual = await withEngine((info) => {
      expect(info.blas).toBe(true);
      return forwardAndGrads(c);
    }, { backend: 'wasm' });
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
      expectClose(actual[i]!, expected[i]!);
    }
  });

  test('empty inner dimension gives zeros in recycled memory', async () => {
    const result = await withEngine(() => {
      // Freed memory of nonzero values is where the next output may land.
      tf.dispose(tf.matMul(tf.ones([8, 4]), tf.ones([4, 8])));
      return snapshot(tf.matMul(tf.zeros([8, 0]), tf.zeros([0, 8])));
    }, { backend: 'wasm' });
    expect(result.values).toEqual(new Array(64).fill(0));
  });
});

describe.skipIf(!blasFound)('BLAS BatchMatMul on cpu, broadcasting and fusion', () => {
  test('two-sided batch broadcasting', async () => {
    // [2, 1, 3, 4] x [1, 3, 4, 5]: the stock cpu kernel indexes batches by
    // modulo, so the reference is built from 2-D products instead.
    const { actual, expected } = await withEngine(() => {
      const a = seededTensor([2, 1, 3, 4], 4);
      const b = seededTensor([1, 3, 4, 5], 5);
      const parts: tf.Tensor[] = [];
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 3; j++) {
          const left = tf.reshape(tf.slice(a, [i, 0, 0, 0], [1, 1, 3, 4]), [3, 4]);
          const right = tf.reshape(tf.slice(b, [0, j, 0, 0], [1, 1, 4, 5]), [4, 5]);
          parts.push(tf.matMul(left, right));
        }
      }
      return {
        actual: snapshot(tf.matMul(a, b)),
        expected: snapshot(tf.reshape(tf.stack(parts), [2, 3, 3, 5])),
      };
    });
    expectClose(actual, expected);
  });

  test('rank-3 times rank-2 folds into one product', async () => {
    const run = () => snapshot(tf.matMul(seededTensor([3, 5, 4], 6), seededTensor([4, 2], 7)));
    const expected = await withStockKernels(run);
    const actual = await withEngine(run);
    expectClose(actual, expected);
  });

  test('fused matMul with bias and relu', async () => {
    const run = () => {
      const a = seededTensor([6, 4], 8);
      const b = seededTensor([4, 3], 9);
      const bias = seededTensor([3], 10);
      const f = (x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias, activation: 'relu' }));
      const [da, db] = tf.grads(f)([a, b]);
      const out = tf.fused.matMul({ a, b, bias, activation: 'relu' });
      return [snapshot(out), snapshot(da!), snapshot(db!)];
    };
    const expected = await withStockKernels(run);
    const actual = await withEngine(run);
    for (let i = 0; i < 3; i++) expectClose(actual[i]!, expected[i]!);
  });

  test('empty inner dimension gives zeros', async () => {
    const result = await withEngine(() => snapshot(tf.matMul(tf.zeros([2, 0]), tf.zeros([0, 3]))));
    expect(result.shape).toEqual([2, 3]);
    expect(result.values).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('mismatched inner dimensions are rejected', async () => {
    await withEngine(() => {
      expect(() => tf.matMul(tf.zeros([2, 3, 4]), tf.zeros([2, 5, 6]))).toThrow(/inner/);
    });
  });
});
