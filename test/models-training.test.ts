import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NodeEmittedEvent } from '../src/events/events.js';
import { initEngine, tf } from '../src/engine/index.js';
import type { ModelConfig } from '../src/models/config.js';
import { SequentialModel } from '../src/models/model.js';
import type { Objective } from '../src/models/objective.js';
import { Prng } from '../src/models/prng.js';
import { trainingSplit } from '../src/models/split.js';
import { train } from '../src/models/train.js';
import type { TrainOptions } from '../src/models/train-options.js';
import { readWeights } from '../src/models/train-state.js';
import { validate } from '../src/models/validation.js';
import { tinyDataset, tinyStudentConfig } from './models-fixture.js';

const folders: string[] = [];

beforeAll(async () => {
  await initEngine();
});

afterEach(async () => {
  await Promise.all(
    folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })),
  );
});

async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'distillery-models-'));
  folders.push(dir);
  return dir;
}

const options: TrainOptions = {
  epochs: 3,
  batchSize: 16,
  learningRate: 0.01,
  adam: { beta1: 0.9, beta2: 0.98, epsilon: 1e-8, weightDecay: 0.001 },
  patience: 0,
  seed: 3,
  validationUsers: 0,
};

const softmax: Objective = { loss: 'softmax', lossWeight: 1, chunkSize: 64 };
const config: ModelConfig = tinyStudentConfig();

async function weightBytes(
  model: SequentialModel,
): Promise<Map<string, Buffer>> {
  const bytes = new Map<string, Buffer>();
  for (const [name, values] of await readWeights(model)) {
    bytes.set(
      name,
      Buffer.from(values.buffer, values.byteOffset, values.byteLength),
    );
  }
  return bytes;
}

describe('train', () => {
  it('resumed run matches uninterrupted weights', async () => {
    const split = trainingSplit(tinyDataset());

    const straight = SequentialModel.create(config, 1);
    const uninterrupted = await train(straight, split, softmax, options, {
      workDir: await workDir(),
    });
    const expected = await weightBytes(straight);
    straight.dispose();

    // Stop after the first epoch's checkpoint, then resume in a new model
    // built from the same seed, as a restarted process would.
    const dir = await workDir();
    const controller = new AbortController();
    const first = SequentialModel.create(config, 1);
    const stopAfterEpochOne = (event: NodeEmittedEvent) => {
      if (event.kind === 'metric' && event.epoch === 1)
        controller.abort(new Error('killed'));
    };
    await expect(
      train(first, split, softmax, options, {
        workDir: dir,
        emit: stopAfterEpochOne,
        signal: controller.signal,
      }),
    ).rejects.toThrow('killed');
    first.dispose();

    const logs: string[] = [];
    const resumed = SequentialModel.create(config, 1);
    const result = await train(resumed, split, softmax, options, {
      workDir: dir,
      emit: (event) => {
        if (event.kind === 'log') logs.push(event.message);
      },
    });
    expect(result.resumedFromEpoch).toBe(1);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    // Epochs 2 and 3 ran after the resume; equal losses and validation
    // scores show they trained exactly as the uninterrupted run did.
    const scores = (h: { loss: number; validNdcg10: number }) => [
      h.loss,
      h.validNdcg10,
    ];
    expect(result.history.map(scores)).toEqual(
      uninterrupted.history.map(scores),
    );
    expect(logs).toContain('Resuming from the checkpoint after epoch 1.');
    const actual = await weightBytes(resumed);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [name, bytes] of expected) {
      expect(actual.get(name)?.equals(bytes), name).toBe(true);
    }
    resumed.dispose();
  });

  it('epoch frees every tensor', async () => {
    const model = SequentialModel.create(config, 2);
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    await train(
      model,
      trainingSplit(tinyDataset()),
      { loss: 'bce', lossWeight: 1, chunkSize: 8 },
      { ...options, epochs: 3 },
      {
        emit: (event) => {
          if (event.kind === 'metric' && event.name === 'train.loss') {
            counts.push(tf.memory().numTensors);
          }
        },
      },
    );
    // Epoch 1 creates the Adam moments; later epochs must add nothing.
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it.each(['softmax', 'bce'] as const)(
    '%s loss learns the tiny dataset',
    async (loss) => {
      const split = trainingSplit(tinyDataset());
      const model = SequentialModel.create(config, 4);
      const untrained = validate(model, split.validation);
      const result = await train(
        model,
        split,
        { loss, lossWeight: 1, chunkSize: 32 },
        { ...options, epochs: 8, learningRate: 0.02 },
      );
      expect(result.history[7].loss).toBeLessThan(result.history[0].loss);
      expect(result.bestValidNdcg10).toBeGreaterThan(untrained.ndcg10 + 0.1);
      model.dispose();
    },
  );

  it('model keeps the best epoch weights', async () => {
    const split = trainingSplit(tinyDataset());
    const model = SequentialModel.create(config, 5);
    // A learning rate this high makes validation NDCG move up and down.
    const result = await train(model, split, softmax, {
      ...options,
      epochs: 6,
      learningRate: 0.3,
      patience: 2,
    });
    const best = Math.max(...result.history.map((h) => h.validNdcg10));
    expect(result.bestValidNdcg10).toBe(best);
    expect(result.bestEpoch).toBeLessThan(result.epochsRun);
    expect(result.history[result.bestEpoch - 1].validNdcg10).toBe(best);
    expect(validate(model, split.validation).ndcg10).toBeCloseTo(best, 10);
    model.dispose();
  });

  it('frozen item tables stay fixed', async () => {
    const model = SequentialModel.create(config, 6);
    const before = (await readWeights(model)).get('item_embedding');
    await train(model, trainingSplit(tinyDataset()), softmax, {
      ...options,
      epochs: 1,
      freezeEpochs: 1,
    });
    const after = await readWeights(model);
    expect(after.get('item_embedding')).toEqual(before);
    const untrained = SequentialModel.create(config, 6);
    expect(after.get('position_embedding')).not.toEqual(
      (await readWeights(untrained)).get('position_embedding'),
    );
    untrained.dispose();
    model.dispose();
  });
});

describe('train failures', () => {
  it('non-finite loss stops training', async () => {
    const model = SequentialModel.create(config, 7);
    const weight = model.weight('block_0/ffn/outer/bias');
    tf.tidy(() => weight.assign(tf.fill(weight.shape, Number.NaN)));
    await expect(
      train(model, trainingSplit(tinyDataset()), softmax, options),
    ).rejects.toThrow(
      /Training loss became NaN in epoch 1, step 1: lower `learningRate`/,
    );
    model.dispose();
  });
});

describe('Prng', () => {
  it('restored state continues the stream', () => {
    const prng = new Prng(123);
    prng.nextUint32();
    const copy = new Prng(prng.state());
    const a = Array.from({ length: 5 }, () => prng.nextUint32());
    const b = Array.from({ length: 5 }, () => copy.nextUint32());
    expect(b).toEqual(a);
  });

  it('different seeds give different streams', () => {
    expect(new Prng(1).nextUint32()).not.toBe(new Prng(2).nextUint32());
  });
});
