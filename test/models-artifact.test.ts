import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/engine/index.js';
import {
  loadRecommender,
  MODEL_FORMAT,
  saveModel,
  type ModelJson,
} from '../src/models/artifact.js';
import { SequentialModel } from '../src/models/model.js';
import { initTeacher } from '../src/models/teacher.js';
import { tinyDataset, tinyStudentConfig } from './models-fixture.js';

let dir: string;

beforeAll(async () => {
  await initEngine();
  dir = await mkdtemp(join(tmpdir(), 'distillery-artifact-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const history = [
  {
    epoch: 1,
    loss: 3.5,
    validHr10: 0.2,
    validNdcg10: 0.1,
    trainSeconds: 1,
    sequencesPerS: 40,
  },
];

function histories(): number[][] {
  return tinyDataset().sequences.map((s) => s.slice(0, -1));
}

describe('model artifact', () => {
  it('writes tfjs weights format files', async () => {
    const model = SequentialModel.create(tinyStudentConfig(), 1);
    const out = await mkdtemp(join(dir, 'student-'));
    await saveModel(out, model, history);
    const json = JSON.parse(
      await readFile(join(out, 'model.json'), 'utf8'),
    ) as ModelJson;
    expect(json.format).toBe(MODEL_FORMAT);
    expect(json.modelTopology.hiddenSize).toBe(8);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const specs = json.weightsManifest[0].weights;
    expect(specs.map((s) => s.name)).toEqual([...model.variables.keys()]);

    // The standard decoder reads the weights file on its own.
    const bytes = await readFile(join(out, 'weights.bin'));
    const buffer = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    );
    const decoded = tf.io.decodeWeights(buffer, specs);
    expect(decoded.item_embedding.shape).toEqual([51, 8]);
    expect(decoded.item_embedding.dataSync()).toEqual(
      model.weight('item_embedding').dataSync(),
    );
    tf.dispose(Object.values(decoded));

    const savedHistory = JSON.parse(
      await readFile(join(out, 'history.json'), 'utf8'),
    );
    // Timings stay out of the file so equal weights give equal digests.
    expect(savedHistory).toEqual(
      history.map(({ epoch, loss, validHr10, validNdcg10 }) => ({
        epoch,
        loss,
        validHr10,
        validNdcg10,
      })),
    );
    model.dispose();
  });

  it.each(['student', 'teacher'] as const)(
    'loaded %s scores identically',
    async (role) => {
      const student = SequentialModel.create(tinyStudentConfig(), 2);
      const model =
        role === 'student'
          ? student
          : await initTeacher(student, {
              hiddenSize: 16,
              blocks: 3,
              heads: 2,
              ffnMultiplier: 2,
              activation: 'relu',
              dropout: 0.1,
              init: 'embedding-head',
              seed: 3,
            });
      const out = await mkdtemp(join(dir, `${role}-`));
      await saveModel(out, model, []);
      const loaded = await loadRecommender(out);
      expect(loaded.description).toBe(model.description);
      expect(loaded.numItems).toBe(50);
      expect(loaded.maxLength).toBe(12);
      const expected = model.scoreAll(histories());
      const actual = loaded.scoreAll(histories());
      expect(actual.shape).toEqual([40, 51]);
      expect(actual.dataSync()).toEqual(expected.dataSync());
      expect(actual.dataSync()[0]).toBe(-Infinity);
      tf.dispose([expected, actual]);
      loaded.dispose();
      if (model !== student) model.dispose();
      student.dispose();
    },
  );

  it('rejects another format', async () => {
    const out = await mkdtemp(join(dir, 'other-'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      join(out, 'model.json'),
      JSON.stringify({ format: 'layers-model' }),
    );
    await expect(loadRecommender(out)).rejects.toThrow(
      /has format `layers-model`/,
    );
  });
});
