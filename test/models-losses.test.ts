import { beforeAll, describe, expect, it } from 'vitest';
import {
  fusedItemSoftmaxAvailable,
  initEngine,
  resetEngine,
  tf,
} from '../src/engine/index.js';
import {
  embeddingMseLoss,
  rankingDistillationLoss,
  rankWeights,
  sampledBceLoss,
  topItems,
} from '../src/models/losses.js';
import { softmaxLoss } from '../src/models/softmax-loss.js';
import { seenItems } from '../src/models/objective.js';
import { buildBatch } from '../src/models/batches.js';
import { decayedWeight } from '../src/models/schedule.js';
import { Prng } from '../src/models/prng.js';

beforeAll(async () => {
  await initEngine();
});

function randomMatrix(rows: number, cols: number, seed: number): tf.Tensor2D {
  const prng = new Prng(seed);
  const values = Float32Array.from(
    { length: rows * cols },
    () => prng.nextFloat() * 2 - 1,
  );
  return tf.tensor2d(values, [rows, cols]);
}

// The loss written with plain autograd ops over the whole [P, N] logits.
function naiveLoss(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  targets: tf.Tensor1D,
  ceWeight: number,
  reference?: {
    hidden: tf.Tensor2D;
    table: tf.Tensor2D;
    weight: number;
    temperature: number;
  },
): tf.Scalar {
  const logits = tf.matMul(hidden, table, false, true);
  const oneHot = tf.oneHot(
    tf.sub(targets, tf.scalar(1, 'int32')) as tf.Tensor1D,
    table.shape[0],
  );
  const ce = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), 1));
  let loss = tf.mul(ce, ceWeight);
  if (reference) {
    const T = reference.temperature;
    const refLog = tf.logSoftmax(
      tf.div(tf.matMul(reference.hidden, reference.table, false, true), T),
    );
    const log = tf.logSoftmax(tf.div(logits, T));
    const kl = tf.sum(tf.mul(tf.exp(refLog), tf.sub(refLog, log)), 1);
    loss = tf.add(loss, tf.mul(kl, reference.weight * T * T));
  }
  return tf.mean(loss);
}

function close(a: tf.Tensor, b: tf.Tensor, tolerance = 1e-5): void {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++)
    expect(Math.abs(x[i] - y[i])).toBeLessThan(tolerance);
}

describe('softmaxLoss', () => {
  const positions = 7;
  const items = 11;
  const width = 4;

  it.each([1, 3, 7, 100])(
    'matches plain autograd with chunk size %i',
    (chunkSize) => {
      tf.tidy(() => {
        const hidden = randomMatrix(positions, width, 1);
        const table = randomMatrix(items, width, 2);
        const targets = tf.tensor1d([1, 5, 11, 2, 2, 9, 4], 'int32');
        const reference = {
          hidden: randomMatrix(positions, 3, 3),
          table: randomMatrix(items, 3, 4),
          weight: 0.7,
          temperature: 2.5,
        };
        const chunked = tf.valueAndGrads((h: tf.Tensor, t: tf.Tensor) =>
          softmaxLoss(h as tf.Tensor2D, t as tf.Tensor2D, {
            targets,
            crossEntropyWeight: 0.6,
            reference,
            chunkSize,
          }),
        )([hidden, table]);
        const naive = tf.valueAndGrads((h: tf.Tensor, t: tf.Tensor) =>
          naiveLoss(
            h as tf.Tensor2D,
            t as tf.Tensor2D,
            targets,
            0.6,
            reference,
          ),
        )([hidden, table]);
        close(chunked.value, naive.value);
        close(chunked.grads[0], naive.grads[0]);
        close(chunked.grads[1], naive.grads[1]);
      });
    },
  );

  it('takes the tensor path without BLAS, with the same values', async () => {
    const compute = () =>
      tf.tidy(() => {
        const hidden = randomMatrix(positions, width, 7);
        const table = randomMatrix(items, width, 8);
        const targets = tf.tensor1d([2, 4, 6, 8, 10, 11, 1], 'int32');
        const reference = {
          hidden: randomMatrix(positions, 2, 9),
          table: randomMatrix(items, 2, 10),
          weight: 0.4,
          temperature: 1.5,
        };
        const { value, grads } = tf.valueAndGrads(
          (h: tf.Tensor, t: tf.Tensor) =>
            softmaxLoss(h as tf.Tensor2D, t as tf.Tensor2D, {
              targets,
              crossEntropyWeight: 0.3,
              reference,
              chunkSize: 3,
            }),
        )([hidden, table]);
        return [value, ...grads].map((t) => Array.from(t.dataSync()));
      });
    const fused = compute();
    expect(fusedItemSoftmaxAvailable()).toBe(true);
    resetEngine();
    await initEngine({ backend: 'cpu', blas: false });
    try {
      expect(fusedItemSoftmaxAvailable()).toBe(false);
      const tensorPath = compute();
      for (let i = 0; i < fused.length; i++) {
        expect(tensorPath[i].length).toBe(fused[i].length);
        for (let j = 0; j < fused[i].length; j++) {
          expect(Math.abs(tensorPath[i][j] - fused[i][j])).toBeLessThan(1e-5);
        }
      }
    } finally {
      resetEngine();
      await initEngine();
    }
  });

  it('KL term vanishes against itself', () => {
    tf.tidy(() => {
      const hidden = randomMatrix(positions, width, 5);
      const table = randomMatrix(items, width, 6);
      const targets = tf.tensor1d([3, 3, 3, 1, 2, 7, 8], 'int32');
      const withKl = softmaxLoss(hidden, table, {
        targets,
        reference: { hidden, table, weight: 5, temperature: 3 },
        chunkSize: 2,
      });
      const plain = softmaxLoss(hidden, table, { targets, chunkSize: 2 });
      close(withKl, plain);
    });
  });

  it('uniform logits give log N', () => {
    tf.tidy(() => {
      const loss = softmaxLoss(tf.zeros([3, width]), tf.zeros([items, width]), {
        targets: tf.tensor1d([1, 2, 3], 'int32'),
        chunkSize: 2,
      });
      expect(loss.dataSync()[0]).toBeCloseTo(Math.log(items), 5);
    });
  });

  it('frees every tensor it creates', () => {
    const hidden = randomMatrix(positions, width, 1);
    const table = randomMatrix(items, width, 2);
    const targets = tf.tensor1d([1, 5, 11, 2, 2, 9, 4], 'int32');
    const before = tf.memory().numTensors;
    const { value, grads } = tf.valueAndGrads((h: tf.Tensor, t: tf.Tensor) =>
      softmaxLoss(h as tf.Tensor2D, t as tf.Tensor2D, {
        targets,
        chunkSize: 3,
      }),
    )([hidden, table]);
    tf.dispose([value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([hidden, table, targets]);
  });
});

describe('ranking distillation', () => {
  it('rank weights decay exponentially', () => {
    const weights = rankWeights(3, 1);
    const total = Math.exp(-1) + Math.exp(-2) + Math.exp(-3);
    expect(weights[0]).toBeCloseTo(Math.exp(-1) / total, 6);
    expect(weights[1]).toBeCloseTo(Math.exp(-2) / total, 6);
    expect(weights[2]).toBeCloseTo(Math.exp(-3) / total, 6);
  });

  it('loss matches a hand computation', () => {
    // Two positions, items 1..3 in 2 dimensions, top-2 teacher items.
    // Position 0: h = (1, 0); items 2 and 1 have logits 2 and 0.
    // Position 1: h = (0, 1); items 3 and 2 have logits -1 and 1.
    const hidden = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const table = tf.tensor2d([
      [0, 0],
      [0, 0],
      [2, 1],
      [5, -1],
    ]);
    const top = tf.tensor2d(
      [
        [2, 1],
        [3, 2],
      ],
      [2, 2],
      'int32',
    );
    const weights = tf.tensor1d([0.75, 0.25]);
    const softplus = (x: number) => Math.log(1 + Math.exp(x));
    const expected =
      (0.75 * softplus(-2) +
        0.25 * softplus(0) +
        0.75 * softplus(1) +
        0.25 * softplus(-1)) /
      2;
    const loss = rankingDistillationLoss(hidden, table, top, weights);
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 6);
    tf.dispose([hidden, table, top, weights, loss]);
  });

  it('top items skip padding and rank by score', () => {
    const hidden = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    // The padding row would win both positions if it were scored.
    const table = tf.tensor2d([
      [9, 9],
      [1, 0],
      [2, 1],
      [0, 3],
    ]);
    const top = topItems(hidden, table, 2, 1);
    expect(top.dtype).toBe('int32');
    expect(Array.from(top.dataSync())).toEqual([2, 1, 3, 2]);
    tf.dispose([hidden, table, top]);
  });

  it('top items leave out the excluded items of each position', () => {
    const hidden = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    // Scores: position 0 gives items 1-4 1, 2, 0, 1; position 1 gives
    // 0, 1, 3, 2.
    const table = tf.tensor2d([
      [9, 9],
      [1, 0],
      [2, 1],
      [0, 3],
      [1, 2],
    ]);
    // Position 0 has seen item 2 (its best); position 1 items 3 and 2.
    const seen = [[2], [3, 2]];
    const top = topItems(hidden, table, 2, 1, (p) => seen[p]);
    expect(Array.from(top.dataSync())).toEqual([1, 4, 4, 1]);
    tf.dispose([hidden, table, top]);
  });
});

describe('seenItems', () => {
  it('lists the history up to each position and its target', () => {
    // Sequence [5, 7, 9] gives inputs [0, 5, 7] and targets 7, 9 at the
    // two scored positions; [4, 6] gives inputs [0, 0, 4] and target 6.
    const batch = buildBatch(
      [
        [5, 7, 9],
        [4, 6],
      ],
      3,
    );
    const tensors = {
      inputs: tf.tensor2d(batch.inputs, [2, 3], 'int32'),
      positions: tf.tensor1d(batch.positions, 'int32'),
      targets: tf.tensor1d(batch.targets, 'int32'),
    };
    const seen = seenItems(tensors);
    expect(seen(0).sort()).toEqual([5, 7]);
    expect(seen(1).sort()).toEqual([5, 7, 9]);
    expect(seen(2).sort()).toEqual([4, 6]);
    tf.dispose(Object.values(tensors));
  });
});

describe('other losses', () => {
  it('sampled BCE matches a hand computation', () => {
    const hidden = tf.tensor2d([[1, 2]]);
    const table = tf.tensor2d([
      [0, 0],
      [1, 1],
      [-1, 0.5],
    ]);
    const loss = sampledBceLoss(
      hidden,
      table,
      tf.tensor1d([1], 'int32'),
      tf.tensor1d([2], 'int32'),
    );
    // Positive logit 3, negative logit 0: softplus(-3) + softplus(0).
    expect(loss.dataSync()[0]).toBeCloseTo(
      Math.log(1 + Math.exp(-3)) + Math.log(2),
      6,
    );
    tf.dispose([hidden, table, loss]);
  });

  it('embedding MSE ignores the padding row', () => {
    const student = tf.tensor2d([
      [100, 100],
      [1, 2],
      [3, 4],
    ]);
    const teacher = tf.tensor2d([
      [0, 0],
      [1, 0],
      [3, 6],
    ]);
    const loss = embeddingMseLoss(student, teacher);
    expect(loss.dataSync()[0]).toBeCloseTo((0 + 4 + 0 + 4) / 4, 6);
    tf.dispose([student, teacher, loss]);
  });

  it.each([
    ['none', 1, 1],
    ['none', 5, 1],
    ['linear', 1, 1],
    ['linear', 3, 0.5],
    ['linear', 5, 0],
    ['cosine', 1, 1],
    ['cosine', 3, 0.5],
    ['cosine', 5, 0],
  ] as const)(
    '%s schedule at epoch %i of 5 is %f',
    (schedule, epoch, expected) => {
      expect(decayedWeight(1, schedule, epoch, 5)).toBeCloseTo(expected, 6);
    },
  );
});
