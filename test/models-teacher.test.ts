import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/engine/index.js';
import { SequentialModel } from '../src/models/model.js';
import { Prng } from '../src/models/prng.js';
import { initTeacher, type TeacherOptions } from '../src/models/teacher.js';
import { initialValues, WEIGHT } from '../src/models/weights.js';
import { tinyDataset, tinyStudentConfig } from './models-fixture.js';

beforeAll(async () => {
  await initEngine();
});

const baseOptions: TeacherOptions = {
  hiddenSize: 16,
  blocks: 3,
  heads: 4,
  ffnMultiplier: 4,
  activation: 'relu',
  dropout: 0.2,
  init: 'function-preserving',
  seed: 11,
};

// A student whose every weight, gains and biases included, is random, so
// growth has to carry each of them over.
function randomStudent(): SequentialModel {
  const config = tinyStudentConfig();
  const values = initialValues(config, 5);
  const prng = new Prng(99);
  for (const [name, value] of values) {
    if (name === WEIGHT.itemEmbedding) continue;
    for (let i = 0; i < value.length; i++) value[i] += prng.nextFloat() - 0.5;
  }
  return new SequentialModel(config, values);
}

function histories(): number[][] {
  // Validation-style histories of different lengths, so some rows are
  // padded and some are cut to maxLength.
  return tinyDataset().sequences.map((s) => s.slice(0, -2));
}

function maxAbsDifference(
  a: tf.Tensor,
  b: tf.Tensor,
): { diff: number; scale: number } {
  const x = a.dataSync();
  const y = b.dataSync();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) continue;
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(x[i]));
  }
  return { diff, scale };
}

describe('initTeacher', () => {
  it('function-preserving teacher scores as the student', async () => {
    const student = randomStudent();
    const teacher = await initTeacher(student, baseOptions);
    const expected = student.scoreAll(histories());
    const actual = teacher.scoreAll(histories());
    const { diff, scale } = maxAbsDifference(expected, actual);
    expect(scale).toBeGreaterThan(1);
    expect(diff).toBeLessThan(1e-4 * scale);
    expect(teacher.config.hiddenSize).toBe(16);
    expect(teacher.config.blocks).toBe(3);
    tf.dispose([expected, actual]);
    student.dispose();
    teacher.dispose();
  });

  it('function-preserving growth keeps gelu students too', async () => {
    const config = tinyStudentConfig({ activation: 'gelu', heads: 1 });
    const student = SequentialModel.create(config, 3);
    const teacher = await initTeacher(student, {
      ...baseOptions,
      activation: 'gelu',
      hiddenSize: 24,
      heads: 3,
      ffnMultiplier: 1,
      blocks: 2,
    });
    const expected = student.scoreAll(histories());
    const actual = teacher.scoreAll(histories());
    const { diff, scale } = maxAbsDifference(expected, actual);
    expect(diff).toBeLessThan(1e-4 * scale);
    tf.dispose([expected, actual]);
    student.dispose();
    teacher.dispose();
  });

  it('untrained random teacher scores differently', async () => {
    const student = randomStudent();
    const teacher = await initTeacher(student, {
      ...baseOptions,
      init: 'random',
    });
    const expected = student.scoreAll(histories());
    const actual = teacher.scoreAll(histories());
    const { diff, scale } = maxAbsDifference(expected, actual);
    expect(diff).toBeGreaterThan(0.1 * scale);
    tf.dispose([expected, actual]);
    student.dispose();
    teacher.dispose();
  });

  it('embedding-head teacher copies the item tables', async () => {
    const student = randomStudent();
    const teacher = await initTeacher(student, {
      ...baseOptions,
      init: 'embedding-head',
    });
    const studentTable = student.weight(WEIGHT.itemEmbedding).dataSync();
    expect(teacher.weight(WEIGHT.itemEmbedding).dataSync()).toEqual(
      studentTable,
    );
    expect(teacher.weight(WEIGHT.outputItemEmbedding).dataSync()).toEqual(
      studentTable,
    );
    expect(teacher.weight(WEIGHT.inputProjection).shape).toEqual([8, 16]);
    expect(teacher.weight(WEIGHT.headKernel).shape).toEqual([16, 8]);
    student.dispose();
    teacher.dispose();
  });

  it.each([
    [{ hiddenSize: 12, heads: 3 }, /multiple of the student's \(8\)/],
    [{ heads: 2 }, /Teacher `heads` must be 4/],
    [{ blocks: 1 }, /must be at least the student's \(2\)/],
    [{ activation: 'gelu' as const }, /`activation` must match/],
  ])('function-preserving rejects %o', async (change, message) => {
    const student = randomStudent();
    await expect(
      initTeacher(student, { ...baseOptions, ...change }),
    ).rejects.toThrow(message);
    student.dispose();
  });
});
