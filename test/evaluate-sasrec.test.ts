import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDataset } from '../src/data/artifact.js';
import { initEngine, tf } from '../src/engine/index.js';
import type { MetricsFile } from '../src/metrics/metrics-file.js';
import { saveModel } from '../src/models/artifact.js';
import type { ModelConfig } from '../src/models/config.js';
import { SequentialModel } from '../src/models/model.js';
import { Prng } from '../src/models/prng.js';
import {
  runEvaluate,
  type EvaluateParams,
} from '../src/nodes/builtin/evaluate.js';
import { artifactRef as ref, datasetOf } from './evaluate-fakes.js';

const NUM_ITEMS = 30;

const config: ModelConfig = {
  role: 'student',
  numItems: NUM_ITEMS,
  maxLength: 8,
  embeddingSize: 16,
  hiddenSize: 16,
  blocks: 1,
  heads: 1,
  ffnMultiplier: 1,
  activation: 'relu',
  dropout: 0,
  head: 'tied',
};

let root: string;

beforeAll(async () => {
  await initEngine();
  root = await mkdtemp(path.join(tmpdir(), 'evaluate-sasrec-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes an untrained model artifact drawn from `seed`. */
async function modelArtifact(name: string, seed: number): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir);
  const model = SequentialModel.create(config, seed);
  await saveModel(dir, model, []);
  model.dispose();
  return dir;
}

describe('evaluate with SASRec artifacts', () => {
  it('scores saved models end to end', async () => {
    const random = new Prng(3);
    const sequences = Array.from({ length: 40 }, () =>
      Array.from(
        { length: 4 + random.nextInt(12) },
        () => 1 + random.nextInt(NUM_ITEMS),
      ),
    );
    const datasetDir = path.join(root, 'data');
    await mkdir(datasetDir);
    await writeDataset(datasetDir, datasetOf(sequences, NUM_ITEMS));
    const studentDir = await modelArtifact('student', 1);
    const teacherDir = await modelArtifact('teacher', 2);
    const outDir = path.join(root, 'out');
    await mkdir(outDir);

    const params: EvaluateParams = {
      ks: [10, 20],
      split: 'test',
      protocol: 'both',
      negatives: 10,
      coldItemThreshold: 5,
      sparseUserThreshold: 6,
      batchSize: 16,
      seed: 1,
    };
    const before = tf.memory().numTensors;
    const result = await runEvaluate({
      params,
      inputs: {
        dataset: ref('data', datasetDir, 'dataset'),
        models: [
          ref('student', studentDir, 'model'),
          ref('teacher', teacherDir, 'model'),
        ],
      },
      outDir,
      workDir: root,
      dataDir: root,
      pipelineDir: root,
      nodeName: 'evaluate',
      emit: () => {},
      signal: new AbortController().signal,
    });
    expect(tf.memory().numTensors).toBe(before);

    const metrics = JSON.parse(
      await readFile(path.join(outDir, 'metrics.json'), 'utf8'),
    ) as MetricsFile;
    expect(Object.keys(metrics.models)).toEqual([
      'student',
      'teacher',
      'most-popular',
    ]);
    expect(metrics.cases).toBe(40);
    expect(metrics.modelInfo.student.description).toContain('SASRec d=16');
    for (const values of Object.values(metrics.models)) {
      expect(values['test.mrr']).toBeGreaterThan(0);
      expect(values['test.mrr']).toBeLessThanOrEqual(1);
      expect(values['test.hr@20']).toBeGreaterThanOrEqual(values['test.hr@10']);
      // 10 negatives: the sampled rank is at most 11, so HR@20 is 1.
      expect(values['test.sampled.hr@20']).toBe(1);
    }
    expect(result.metrics!['student.test.ndcg@10']).toBe(
      metrics.models.student['test.ndcg@10'],
    );
  });
});
