/**
 * The benchmark's initial models, built as the pipeline builds them, and
 * the batch order both trainers follow.
 */
import { epochBatches } from '../../src/models/batches.js';
import { SequentialModel } from '../../src/models/model.js';
import { Prng } from '../../src/models/prng.js';
import { initTeacher } from '../../src/models/teacher.js';
import type { BenchSetup } from './configs.js';

/** Role of a benchmarked model. */
export type BenchRole = 'student' | 'teacher';

/**
 * Builds the untrained student with `SequentialModel.create` and the
 * teacher from it with `initTeacher`, as `pretrain-student` and
 * `init-teacher-from-student` do. The caller disposes both.
 */
export async function createModels(
  setup: BenchSetup,
  numItems: number,
): Promise<Record<BenchRole, SequentialModel>> {
  const student = SequentialModel.create(
    { ...setup.student, numItems },
    setup.studentTraining.seed,
  );
  const teacher = await initTeacher(student, setup.teacher);
  return { student, teacher };
}

/**
 * Draws `epochs` shuffled epochs of batches over `count` sequences with
 * the product's `epochBatches`.
 */
export function batchOrder(
  count: number,
  batchSize: number,
  epochs: number,
  seed: number,
): number[][][] {
  const prng = new Prng(seed);
  return Array.from({ length: epochs }, () =>
    epochBatches(count, batchSize, prng),
  );
}
