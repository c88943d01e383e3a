/**
 * The PyTorch reference of the training benchmark against the product's
 * model: the same weights and batches must give the same losses and the
 * same test NDCG@10. Skipped where Debian's python3 cannot import torch,
 * as in CI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../src/engine/index.js';
import type { AdamOptions } from '../src/models/adam.js';
import { SequentialModel } from '../src/models/model.js';
import { initTeacher } from '../src/models/teacher.js';
import { benchData } from '../bench/lib/data.js';
import {
  weightManifest,
  writeWeights,
  type TrainJob,
  type TrainResult,
} from '../bench/lib/job.js';
import { hasTorch, runOurs, runReference } from '../bench/lib/runners.js';
import { tinyDataset, tinyStudentConfig } from './models-fixture.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const torch = hasTorch();
const work = mkdtempSync(join(tmpdir(), 'distillery-bench-parity-'));

// A high learning rate makes a wrong update visible in the second loss.
const LEARNING_RATE = 0.01;

beforeAll(async () => {
  await initEngine();
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Writes the data, weights and a 2-step job and runs both trainers. */
function runBoth(
  name: string,
  model: SequentialModel,
  adam: AdamOptions,
): { ours: TrainResult; reference: TrainResult } {
  const data = benchData(tinyDataset(40, 50, 7));
  const dataPath = join(work, `${name}-data.json`);
  writeFileSync(dataPath, JSON.stringify(data));
  const weightsPath = join(work, `${name}-weights.bin`);
  writeWeights(weightsPath, model);

  // Both steps train on the same batch, so the second loss shows whether
  // the first update was the same on both sides.
  const batch = Array.from({ length: 16 }, (_, i) => i * 2);
  const job: TrainJob = {
    config: model.config,
    weightsPath,
    weightShapes: weightManifest(model.config),
    dataPath,
    batches: [[batch, batch]],
    maxSteps: 0,
    learningRate: LEARNING_RATE,
    adam,
    chunkSize: 64,
    dropoutSeed: 1,
    threads: 1,
    evaluate: true,
    evaluateBatchSize: 16,
  };
  const jobPath = join(work, `${name}.json`);
  writeFileSync(jobPath, JSON.stringify(job));
  return {
    ours: runOurs(jobPath, repoRoot),
    reference: runReference(jobPath, repoRoot),
  };
}

function expectParity(ours: TrainResult, reference: TrainResult): void {
  expect(ours.losses).toHaveLength(2);
  expect(reference.losses).toHaveLength(2);
  for (let step = 0; step < 2; step++) {
    const difference = Math.abs(ours.losses[step] - reference.losses[step]);
    expect(difference / reference.losses[step]).toBeLessThan(1e-5);
  }
  // The update moved the weights: the same batch scores better after it.
  expect(ours.losses[0] - ours.losses[1]).toBeGreaterThan(1e-3);
  expect(ours.ndcg10).toBeGreaterThan(0);
  expect(reference.ndcg10).toBeCloseTo(ours.ndcg10 as number, 6);
}

describe('bench PyTorch reference', () => {
  it.skipIf(!torch)('student matches tied-head losses', () => {
    const student = SequentialModel.create(
      tinyStudentConfig({ dropout: 0, maxLength: 8, heads: 1 }),
      3,
    );
    const { ours, reference } = runBoth('student', student, {
      beta1: 0.9,
      beta2: 0.98,
      epsilon: 1e-8,
      weightDecay: 0,
    });
    student.dispose();
    expectParity(ours, reference);
  }, 60_000);

  it.skipIf(!torch)('teacher matches embedding-head losses', async () => {
    const student = SequentialModel.create(
      tinyStudentConfig({ dropout: 0, maxLength: 8 }),
      3,
    );
    // Wider than the student: an input projection, 2 heads, a wider FFN
    // and the embedding head with its own output table.
    const teacher = await initTeacher(student, {
      hiddenSize: 16,
      blocks: 2,
      heads: 2,
      ffnMultiplier: 2,
      activation: 'gelu',
      dropout: 0,
      init: 'embedding-head',
      seed: 5,
    });
    student.dispose();
    // A decay this large makes a missing or misplaced decay term change
    // the second loss by about 2e-4 relative.
    const { ours, reference } = runBoth('teacher', teacher, {
      beta1: 0.9,
      beta2: 0.98,
      epsilon: 1e-8,
      weightDecay: 0.5,
    });
    teacher.dispose();
    expectParity(ours, reference);
  }, 60_000);
});
