import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/engine/index.js';
import { loadModel, saveModel } from '../src/models/artifact.js';
import { itemTextInputs, TEXT } from '../src/models/item-text.js';
import { SequentialModel } from '../src/models/model.js';
import { trainingSplit } from '../src/models/split.js';
import { addItemText } from '../src/models/teacher.js';
import { train } from '../src/models/train.js';
import { tinyDataset, tinyStudentConfig } from './models-fixture.js';

let dir: string;

beforeAll(async () => {
  await initEngine();
  dir = await mkdtemp(join(tmpdir(), 'distillery-text-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function textDataset() {
  const dataset = tinyDataset();
  dataset.items.forEach((item, i) => {
    item.title = i % 3 === 0 ? `Space Story ${i} (1999)` : `Quiet Drama ${i}`;
  });
  return dataset;
}

function histories(): number[][] {
  return tinyDataset().sequences.map((s) => s.slice(0, -1));
}

describe('item text', () => {
  it('title inputs average the title tokens', () => {
    const inputs = itemTextInputs(textDataset(), {
      titles: true,
      genres: true,
      titleTokens: 4,
    });
    // "Space Story 0" has 3 words, so each gets a third.
    const weights = inputs.constants.get(TEXT.titleWeights) as Float32Array;
    expect(Array.from(weights.subarray(4, 8))).toEqual(
      [1 / 3, 1 / 3, 1 / 3, 0].map(Math.fround),
    );
    expect(inputs.config.genres).toBe(2);
    expect(inputs.config.titleTokens).toBe(4);
    expect(inputs.config.vocabularySize).toBeGreaterThan(50);
  });

  it('adding text keeps the scores', async () => {
    const model = SequentialModel.create(tinyStudentConfig(), 1);
    const inputs = itemTextInputs(textDataset(), {
      titles: true,
      genres: true,
      titleTokens: 4,
    });
    const withText = await addItemText(model, inputs);
    const expected = model.scoreAll(histories());
    const actual = withText.scoreAll(histories());
    expect(actual.dataSync()).toEqual(expected.dataSync());
    tf.dispose([expected, actual]);
    model.dispose();
    withText.dispose();
  });

  it('text tables train and survive saving', async () => {
    const model = SequentialModel.create(tinyStudentConfig(), 2);
    const inputs = itemTextInputs(textDataset(), {
      titles: true,
      genres: true,
      titleTokens: 4,
    });
    const withText = await addItemText(model, inputs);
    await train(
      withText,
      trainingSplit(textDataset()),
      { loss: 'softmax', lossWeight: 1, chunkSize: 64 },
      {
        epochs: 1,
        batchSize: 16,
        learningRate: 0.01,
        adam: { beta1: 0.9, beta2: 0.98, epsilon: 1e-8, weightDecay: 0 },
        patience: 0,
        seed: 1,
        validationUsers: 0,
      },
    );
    const tokens = withText.weight(TEXT.tokenEmbedding).dataSync();
    expect(tokens.some((v) => v !== 0)).toBe(true);

    await saveModel(dir, withText, []);
    const loaded = await loadModel(dir);
    expect(loaded.config.text).toEqual(inputs.config);
    const expected = withText.scoreAll(histories());
    const actual = loaded.scoreAll(histories());
    expect(actual.dataSync()).toEqual(expected.dataSync());
    tf.dispose([expected, actual]);
    loaded.dispose();
    withText.dispose();
    model.dispose();
  });
});
