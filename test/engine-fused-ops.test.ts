import { describe, expect, test } from 'vitest';
import {
  fusedItemSoftmaxAvailable, fusedItemSoftmaxLoss, layerNormLastAxis, tf,
} from '../src/engine/index.js';
import { fastExp } from '../src/engine/kernels/fast-exp.js';
import {
  expectClose, seededTensor, snapshot, withEngine, withStockKernels,
} from './engine-helpers.js';

// LayerNorm from stock ops, the definition the fused op must match.
function composedLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, x.rank - 1, true);
  const normalised = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
  return tf.add(tf.mul(normalised, gamma), beta);
}

describe('layerNormLastAxis', () => {
  test.each([[[5, 7]], [[2, 3, 8]], [[1, 1]]])('matches stock ops on %j, forward and gradient', async (shape) => {
    const width = shape[shape.length - 1]!;
    const run = (norm: typeof composedLayerNorm) => () => {
      const x = tf.mul(seededTensor(shape, 11), 3);
      const gamma = tf.add(seededTensor([width], 12), 1);
      const beta = seededTensor([width], 13);
      const weight = seededTensor(shape, 14);
      const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(norm(a, g, b, 1e-5), weight));
      const grads = tf.grads(f)([x, gamma, beta]);
      return [snapshot(norm(x, gamma, beta, 1e-5)), ...grads.map(snapshot)];
    };
    const expected = await withStockKernels(run(composedLayerNorm));
    const actual = await withEngine(run(layerNormLastAxis));
    expect(actual).toHaveLength(4);
    for (let i = 0; i < 4; i++) expectClose(actual[i]!, expected[i]!);
  });

  // On wasm with widths divisible by 4, the op reads the wasm heap and runs
  // the SIMD kernels.
  test.each([[[2, 3, 8]], [[4, 5, 64]]])('matches stock ops on wasm: %j', async (shape) => {
    const width = shape[shape.length - 1]!;
    const run = (norm: typeof composedLayerNorm) => () => {
      const x = tf.mul(seededTensor(shape, 21), 3);
      const gamma = tf.add(seededTensor([width], 22), 1);
      const beta = seededTensor([width], 23);
      const weight = seededTensor(shape, 24);
      const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(norm(a, g, b, 1e-5), weight));
      const grads = tf.grads(f)([x, gamma, beta]);
      return [snapshot(norm(x, gamma, beta, 1e-5)), ...grads.map(snapshot)];
    };
    const expected = await withStockKernels(run(composedLayerNorm));
    const actual = await withEngine(run(layerNormLastAxis), { backend: 'wasm' });
    expect(actual).toHaveLength(4);
    for (let i = 0; i < 4; i++) expectClose(actual[i]!, expected[i]!);
  });

  test('a constant row normalises to beta without dividing by zero', async () => {
    const result = await withEngine(() =>
      snapshot(layerNormLastAxis(tf.fill([2, 3], 4), tf.ones([3]), tf.tensor1d([1, 2, 3]), 1e-8)),
    );
    expect(result.values).toEqual([1, 2, 3, 1, 2, 3]);
  });

  test('rejects a gamma of the wrong width, naming both shapes', async () => {
    await withEngine(() => {
      expect(() => layerNormLastAxis(tf.zeros([2, 3]), tf.ones([4]), tf.zeros([3]), 1e-8))
        .toThrow('gamma and beta of shape [3], received [4] and [3]');
    });
  });
});

// The full-softmax loss from stock autograd ops over the whole logits.
function naiveLoss(
  hidden: tf.Tensor2D, table: tf.Tensor2D, targets: tf.Tensor1D, ceWeight: number,
  reference?: { hidden: tf.Tensor2D; table: tf.Tensor2D; weight: number; temperature: number },
): tf.Scalar {
  const logits = tf.matMul(hidden, table, false, true);
  const oneHot = tf.oneHot(targets, table.shape[0]);
  let loss = tf.mul(tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), 1)), ceWeight);
  if (reference) {
    const T = reference.temperature;
    const refLog = tf.logSoftmax(tf.div(tf.matMul(reference.hidden, reference.table, false, true), T));
    const log = tf.logSoftmax(tf.div(logits, T));
    const kl = tf.sum(tf.mul(tf.exp(refLog), tf.sub(refLog, log)), 1);
    loss = tf.add(loss, tf.mul(kl, reference.weight * T * T));
  }
  return tf.mean(loss) as tf.Scalar;
}

describe('fusedItemSoftmaxLoss', () => {
  const rows = 9;
  const items = 13;
  const dim = 5;
  const targetIds = [0, 12, 3, 3, 7, 1, 12, 5, 9];

  test.each([
    { chunkRows: 4, withReference: false, scale: 1 },
    { chunkRows: 4, withReference: true, scale: 1 },
    { chunkRows: 100, withReference: true, scale: 2.5 },
    { chunkRows: 1, withReference: true, scale: 1 },
    { chunkRows: 4, withReference: true, scale: 1, temperature: 1 },
    { chunkRows: 4, withReference: true, scale: 1, temperature: 2 },
    // On wasm the loss reads its operands in the wasm heap.
    { chunkRows: 4, withReference: true, scale: 1.5, backend: 'wasm' as const },
    { chunkRows: 3, withReference: false, scale: 1, backend: 'wasm' as const },
  ])('matches stock autograd (chunk $chunkRows, reference $withReference, dy $scale, T $temperature, $backend)', async ({ chunkRows, withReference, scale, temperature = 2.5, backend = 'cpu' as const }) => {
    const run = (fused: boolean) => () => {
      const hidden = tf.mul(seededTensor([rows, dim], 21), 2) as tf.Tensor2D;
      const table = tf.mul(seededTensor([items, dim], 22), 2) as tf.Tensor2D;
      const targets = tf.tensor1d(targetIds, 'int32');
      const reference = withReference ? {
        hidden: tf.mul(seededTensor([rows, 3], 23), 3) as tf.Tensor2D,
        table: seededTensor([items, 3], 24) as tf.Tensor2D,
        weight: 0.7,
        temperature,
      } : undefined;
      const f = (h: tf.Tensor, t: tf.Tensor) => tf.mul(fused
        ? fusedItemSoftmaxLoss(h as tf.Tensor2D, t as tf.Tensor2D, targets, { crossEntropyWeight: 0.6, reference, chunkRows })
        : naiveLoss(h as tf.Tensor2D, t as tf.Tensor2D, targets, 0.6, reference), scale);
      const { value, grads } = tf.valueAndGrads(f)([hidden, table]);
      return [snapshot(value), ...grads.map(snapshot)];
    };
    const expected = await withStockKernels(run(false));
    const actual = await withEngine((info) => {
      expect(info.blas).toBe(true);
      expect(fusedItemSoftmaxAvailable()).toBe(true);
      return run(true)();
    }, { backend });
    for (let i = 0; i < 3; i++) expectClose(actual[i]!, expected[i]!, 1e-5);
    expect(Math.abs(actual[0]!.values[0]!)).toBeGreaterThan(0.1);
  });

  test('is unavailable without BLAS, and says so when called', async () => {
    await withEngine(() => {
      expect(fusedItemSoftmaxAvailable()).toBe(false);
      expect(() => fusedItemSoftmaxLoss(tf.zeros([2, 3]), tf.zeros([4, 3]), tf.tensor1d([0, 1], 'int32'), { crossEntropyWeight: 1, chunkRows: 2 }))
        .toThrow('needs native BLAS');
    }, { backend: 'cpu', blas: false });
  });

  test('rejects a reference whose rows differ', async () => {
    await withEngine(() => {
      const call = () => fusedItemSoftmaxLoss(tf.zeros([2, 3]), tf.zeros([4, 3]), tf.tensor1d([0, 1], 'int32'), {
        crossEntropyWeight: 1, chunkRows: 2,
        reference: { hidden: tf.zeros([3, 2]), table: tf.zeros([4, 2]), weight: 1, temperature: 1 },
      });
      expect(call).toThrow('reference hidden [2, r] and table [4, r], received [3,2] and [4,2]');
    });
  });
});

describe('row gather and scatter kernels', () => {
  test('gather and its scatter gradient match the stock kernels', async () => {
    const run = () => {
      const table = seededTensor([9, 2, 3], 31);
      const ids = tf.tensor1d([3, 0, 3, 8, 1, 3, 0], 'int32');
      const weight = seededTensor([7, 2, 3], 32);
      const rows = snapshot(tf.gather(table, ids));
      const scattered = snapshot(tf.scatterND(tf.reshape(ids, [-1, 1]), weight, [9, 2, 3]));
      const grad = snapshot(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weight)))(table));
      return [rows, scattered, grad];
    };
    const expected = await withStockKernels(run);
    const actual = await withEngine(run);
    for (let i = 0; i < 3; i++) expectClose(actual[i]!, expected[i]!, 1e-6);
    // Row 3 is gathered three times, so its gradient is three rows summed.
    expect(actual[2]!.values.slice(18, 24).some((v) => v !== 0)).toBe(true);
  });

  test('an out-of-range id still gets the stock error', async () => {
    await withEngine(() => {
      expect(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([1, 5], 'int32')).dataSync()).toThrow(/5/);
    });
  });
});

describe('fastExp', () => {
  test('agrees with Math.exp to 1e-8 relative over the float64 range', () => {
    let worst = 0;
    for (let x = -700; x <= 700; x += 0.37) {
      worst = Math.max(worst, Math.abs(fastExp(x) - Math.exp(x)) / Math.exp(x));
    }
    expect(worst).toBeLessThan(1e-8);
    expect(fastExp(0)).toBe(1);
  });

  test('keeps the limits of Math.exp', () => {
    expect(fastExp(-Infinity)).toBe(0);
    expect(fastExp(-800)).toBe(0);
    expect(fastExp(Infinity)).toBe(Infinity);
    expect(fastExp(800)).toBe(Infinity);
    expect(fastExp(Number.NaN)).toBeNaN();
  });
});

describe('wasm row gather', () => {
  test('matches the stock cpu kernel', async () => {
    const run = () => {
      const table = seededTensor([9, 2, 3], 41);
      const ids = tf.tensor1d([8, 0, 3, 3, 1], 'int32');
      return snapshot(tf.gather(table, ids));
    };
    const expected = await withStockKernels(run);
    const actual = await withEngine(run, { backend: 'wasm' });
    expectClose(actual, expected, 1e-7);
  });

  test('a clone shares the data and outlives its source', async () => {
    await withEngine(() => {
      const x = tf.tensor1d([1, 2, 3]);
      const y = tf.clone(x);
      expect(y.dataId).toBe(x.dataId);
      x.dispose();
      expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
      // The gradient of a saved input still reads the right values.
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(a, a)))(y);
      expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
      tf.dispose([y, g]);
    }, { backend: 'wasm' });
  });
});
