import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/engine/index.js';
import { addRows, mulRows } from '../src/models/broadcast-rows.js';
import { gatherRows } from '../src/models/gather-rows.js';
import { attentionMask } from '../src/models/attention.js';
import { Prng } from '../src/models/prng.js';
import { SequentialModel } from '../src/models/model.js';
import { padHistories } from '../src/models/sequences.js';
import { tinyStudentConfig } from './models-fixture.js';

beforeAll(async () => {
  await initEngine();
});

function random(shape: number[], seed: number): tf.Tensor {
  const prng = new Prng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => prng.nextFloat() - 0.5),
    shape,
  );
}

function expectClose(a: tf.Tensor, b: tf.Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++)
    expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-5);
}

describe('model ops', () => {
  it.each([
    ['addRows', addRows, tf.add],
    ['mulRows', mulRows, tf.mul],
  ] as const)('%s matches the stock gradient', (_, op, stock) => {
    tf.tidy(() => {
      const x = random([3, 4, 5], 1);
      const row = random([4, 5], 2);
      const weights = random([3, 4, 5], 3);
      const loss = (f: typeof op) => (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(a, b), weights));
      const ours = tf.valueAndGrads(loss(op))([x, row]);
      const theirs = tf.valueAndGrads(loss(stock))([x, row]);
      expectClose(ours.value, theirs.value);
      expectClose(ours.grads[0], theirs.grads[0]);
      expectClose(ours.grads[1], theirs.grads[1]);
    });
  });

  it('gatherRows sums gradients of repeated rows', () => {
    tf.tidy(() => {
      const table = random([5, 3], 4);
      const ids = tf.tensor1d([4, 0, 4, 2], 'int32');
      const weights = random([4, 3], 5);
      const loss = (gather: typeof gatherRows) => (t: tf.Tensor) =>
        tf.sum(tf.mul(gather(t as tf.Tensor2D, ids), weights));
      const ours = tf.valueAndGrads(loss(gatherRows))([table]);
      const theirs = tf.valueAndGrads(
        loss((t, i) => tf.gather(t, i) as tf.Tensor2D),
      )([table]);
      expectClose(ours.value, theirs.value);
      expectClose(ours.grads[0], theirs.grads[0]);
    });
  });

  it('attention mask hides padding and the future', () => {
    const mask = attentionMask(Int32Array.from([0, 7, 9]), 1, 3);
    const allowed = Array.from(mask.dataSync(), (v) => (v === 0 ? 1 : 0));
    // Rows are queries, columns keys; key 0 is padding.
    expect(allowed).toEqual([0, 0, 0, 0, 1, 0, 0, 1, 1]);
    mask.dispose();
  });
});

describe('scoring from the last position', () => {
  // Scores from the full encoder's last row, the definition `scoreAll`
  // must keep while its last block computes only that row.
  function fullScores(model: SequentialModel, histories: number[][]): tf.Tensor {
    const inputs = tf.tensor2d(padHistories(histories, model.maxLength), [histories.length, model.maxLength], 'int32');
    const hidden = model.encode(inputs);
    const last = tf.reshape(tf.slice(hidden, [0, model.maxLength - 1, 0], [-1, 1, -1]), [histories.length, -1]);
    const scores = tf.matMul(model.toItemSpace(last), model.outputTable(), false, true);
    return tf.slice(scores, [0, 1], [-1, -1]);
  }

  it.each([
    ['tied head, 2 heads, 2 blocks', tinyStudentConfig()],
    ['embedding head, 1 head, 3 blocks', tinyStudentConfig({ role: 'teacher', head: 'embedding', heads: 1, blocks: 3, hiddenSize: 12, embeddingSize: 8 })],
    ['one block, gelu', tinyStudentConfig({ blocks: 1, activation: 'gelu' })],
  ])('matches the full encoder: %s', (_, config) => {
    const model = SequentialModel.create(config, 5);
    // Short, full and over-long histories, so padding and truncation show.
    const histories = [[3], [4, 9, 2, 7], Array.from({ length: 20 }, (_, i) => (i % 49) + 1)];
    tf.tidy(() => {
      const scores = model.scoreAll(histories);
      expect(scores.shape).toEqual([3, config.numItems + 1]);
      expect(Array.from(tf.slice(scores, [0, 0], [-1, 1]).dataSync())).toEqual([-Infinity, -Infinity, -Infinity]);
      expectClose(tf.slice(scores, [0, 1], [-1, -1]), fullScores(model, histories));
    });
    model.dispose();
  });
});
