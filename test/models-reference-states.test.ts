import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/engine/index.js';
import { buildBatch } from '../src/models/batches.js';
import { SequentialModel } from '../src/models/model.js';
import { scoredStates } from '../src/models/objective.js';
import { ReferenceStates } from '../src/models/reference-states.js';
import { trainingSplit } from '../src/models/split.js';
import { tinyDataset, tinyStudentConfig } from './models-fixture.js';

beforeAll(async () => {
  await initEngine();
});

describe('ReferenceStates', () => {
  const dataset = tinyDataset(40, 50, 3);
  const sequences = trainingSplit(dataset).sequences.map((s) => s.items);
  const model = SequentialModel.create(
    tinyStudentConfig({ numItems: dataset.numItems }),
    5,
  );

  it('matches a forward pass over the same batch', () => {
    const states = ReferenceStates.compute(model, sequences)!;
    // An unordered batch with a repeat, as a shuffled epoch never has but
    // the lookup must still follow.
    const indices = [7, 0, 31, 7, 12];
    const rows = indices.map((i) => sequences[i]);
    const batch = buildBatch(rows, model.maxLength);
    const expected = tf.tidy(() =>
      Array.from(
        scoredStates(model, {
          inputs: tf.tensor2d(batch.inputs, [rows.length, model.maxLength], 'int32'),
          positions: tf.tensor1d(batch.positions, 'int32'),
          targets: tf.tensor1d(batch.targets, 'int32'),
        }).dataSync(),
      ),
    );
    const cached = states.batch(indices);
    expect(cached.shape).toEqual([batch.positions.length, model.config.embeddingSize]);
    const actual = Array.from(cached.dataSync());
    cached.dispose();
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
      expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-5);
    }
  });

  it('declines to cache beyond the value limit', () => {
    expect(ReferenceStates.compute(model, sequences, 10)).toBeUndefined();
  });

  it('leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    const states = ReferenceStates.compute(model, sequences)!;
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(states.batch([1, 2]));
    expect(tf.memory().numTensors).toBe(before);
  });
});
