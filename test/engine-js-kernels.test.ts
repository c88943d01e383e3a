import { describe, expect, test } from 'vitest';
import {
  dropout, seedDropout, softmaxCrossEntropyOverItems, tf,
} from '../src/engine/index.js';
import { mergedDimensions } from '../src/engine/kernels/broadcast-binary.js';
import {
  expectClose, seededTensor, snapshot, withEngine, withStockKernels,
} from './engine-helpers.js';

const OPS = [
  ['add', tf.add],
  ['sub', tf.sub],
  ['mul', tf.mul],
  ['div', tf.div],
  ['squaredDifference', tf.squaredDifference],
] as const;

const SHAPE_PAIRS: [number[], number[]][] = [
  [[4, 5], [4, 5]],
  [[4, 5], [5]],
  [[4, 5], [4, 1]],
  [[3, 4, 5], [3, 4, 1]],
  [[3, 1, 5], [1, 4, 1]],
  [[2, 3, 4, 5], [4, 1]],
  [[4, 5], []],
  [[1], [3, 2]],
];

const CASES = OPS.flatMap(([name, op]) =>
  SHAPE_PAIRS.map(([a, b]) => ({ name: `${name} [${a}] with [${b}]`, op, a, b })),
);

describe('plain-JS cpu kernels', () => {
  test.each(CASES)('$name matches the stock kernel', async ({ op, a, b }) => {
    const run = () => {
      const x = seededTensor(a, 1);
      // Keep divisors away from zero.
      const y = tf.add(seededTensor(b, 2), 3);
      const f = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(op(p, q), op(p, q)));
      // tfjs-core 4.22's SquaredDifference gradient does not reduce over
      // broadcast dimensions (stock kernels fail the same way).
      const broadcast = a.join() !== b.join();
      if (op === tf.squaredDifference && broadcast) return [snapshot(op(x, y))];
      const [dx, dy] = tf.grads(f)([x, y]);
      return [snapshot(op(x, y)), snapshot(dx!), snapshot(dy!)];
    };
    const expected = await withStockKernels(run);
    const actual = await withEngine(run);
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
      expectClose(actual[i]!, expected[i]!);
    }
  });

  test('merging keeps each broadcast pattern apart', () => {
    const dims = mergedDimensions([3, 4, 1], [1, 4, 5], [3, 4, 5]);
    expect(dims).toEqual([
      { size: 3, strideA: 4, strideB: 0 },
      { size: 4, strideA: 1, strideB: 5 },
      { size: 5, strideA: 0, strideB: 1 },
    ]);
  });

  test.each([[[6, 7]], [[2, 3, 9]], [[2, 2, 3, 5]]])(
    'softmax of %j matches the stock kernel',
    async (shape) => {
      const run = () => {
        const x = tf.mul(seededTensor(shape, 3), 4);
        const weight = seededTensor(shape, 4);
        const f = (p: tf.Tensor) => tf.sum(tf.mul(tf.softmax(p), weight));
        return [snapshot(tf.softmax(x)), snapshot(tf.grad(f)(x))];
      };
      const expected = await withStockKernels(run);
      const actual = await withEngine(run);
      expectClose(actual[0]!, expected[0]!);
      expectClose(actual[1]!, expected[1]!);
    },
  );

  test('gather gradient matches the stock segment sum', async () => {
    const run = () => {
      const table = seededTensor([9, 4], 5);
      const indices = tf.tensor1d([3, 0, 3, 8, 1, 3, 0], 'int32');
      const weight = seededTensor([7, 4], 6);
      const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices), weight));
      return snapshot(tf.grad(f)(table));
    };
    const expected = await withStockKernels(run);
    const actual = await withEngine(run);
    expectClose(actual, expected);
  });

  test('segment sum drops out-of-range ids', async () => {
    const result = await withEngine(() =>
      snapshot(tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([1, 5, 1], 'int32'), 2)),
    );
    expect(result.values).toEqual([0, 0, 6, 8]);
  });
});

describe('softmaxCrossEntropyOverItems', () => {
  // Reference: the whole [rows, items] logits and tfjs's logSoftmax.
  function referenceLoss(h: tf.Tensor, e: tf.Tensor, targets: tf.Tensor1D): tf.Scalar {
    const logProbabilities = tf.logSoftmax(tf.matMul(h, e, false, true));
    const picked = tf.sum(tf.mul(logProbabilities, tf.oneHot(targets, e.shape[0]!)), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  }

  // blas: true takes the native path, false the tensor-op path.
  const CHUNK_CASES = [1, 3, 7, 100].flatMap((chunkRows) =>
    [true, false].map((blas) => ({ chunkRows, blas })),
  );

  test.each(CHUNK_CASES)('chunks of $chunkRows rows (blas $blas) match the full loss', async ({ chunkRows, blas }) => {
    const { actual, expected } = await withEngine(() => {
      const hidden = tf.mul(seededTensor([7, 5], 7), 2);
      const table = seededTensor([11, 5], 8);
      const targets = tf.tensor1d([0, 3, 10, 3, 7, 1, 9], 'int32');
      const ours = (h: tf.Tensor, e: tf.Tensor) =>
        softmaxCrossEntropyOverItems(h as tf.Tensor2D, e as tf.Tensor2D, targets, { chunkRows });
      const reference = (h: tf.Tensor, e: tf.Tensor) => referenceLoss(h, e, targets);
      const [oursLoss, referenceValue] = [ours(hidden, table), reference(hidden, table)];
      const [dhOurs, deOurs] = tf.grads(ours)([hidden, table]);
      const [dhReference, deReference] = tf.grads(reference)([hidden, table]);
      return {
        actual: [snapshot(oursLoss), snapshot(dhOurs!), snapshot(deOurs!)],
        expected: [snapshot(referenceValue), snapshot(dhReference!), snapshot(deReference!)],
      };
    }, { backend: 'cpu', blas });
    for (let i = 0; i < 3; i++) expectClose(actual[i]!, expected[i]!, 1e-5);
  });

  test('out-of-range targets are rejected', async () => {
    await withEngine(() => {
      const targets = tf.tensor1d([0, 4], 'int32');
      const call = () => softmaxCrossEntropyOverItems(tf.zeros([2, 3]), tf.zeros([4, 3]), targets);
      expect(call).toThrow(/target 4 is outside/);
    });
  });

  test('non-int32 targets are rejected', async () => {
    await withEngine(() => {
      const call = () => softmaxCrossEntropyOverItems(tf.zeros([2, 3]), tf.zeros([4, 3]), tf.zeros([2]) as tf.Tensor1D);
      expect(call).toThrow(/int32/);
    });
  });
});

describe('dropout', () => {
  test('drops about rate of the elements', async () => {
    const values = await withEngine(() => {
      seedDropout(5);
      return Array.from(dropout(tf.ones([20000]), 0.25).dataSync());
    });
    const dropped = values.filter((v) => v === 0).length / values.length;
    expect(dropped).toBeGreaterThan(0.23);
    expect(dropped).toBeLessThan(0.27);
    // Kept elements are scaled by 1 / (1 - rate).
    expect(values.find((v) => v !== 0)).toBeCloseTo(1 / 0.75, 6);
  });

  test('gradient reuses the forward mask', async () => {
    const { output, gradient } = await withEngine(() => {
      seedDropout(9);
      const x = tf.fill([500], 2);
      let output: number[] = [];
      const f = (input: tf.Tensor) => {
        const y = dropout(input, 0.5);
        output = Array.from(y.dataSync());
        return tf.sum(y);
      };
      const gradient = Array.from(tf.grad(f)(x).dataSync());
      return { output, gradient };
    });
    // y = 2 * mask and dy/dx = mask, element by element.
    expect(gradient).toEqual(output.map((y) => y / 2));
    expect(gradient.some((g) => g === 0)).toBe(true);
  });

  test('rate 0 returns the input', async () => {
    await withEngine(() => {
      const x = tf.ones([3]);
      expect(dropout(x, 0)).toBe(x);
    });
  });

  test('rate 1 is rejected', async () => {
    await withEngine(() => {
      expect(() => dropout(tf.ones([3]), 1)).toThrow(/rate.*\[0, 1\)/);
    });
  });
});
