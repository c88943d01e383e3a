import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/engine/index.js';
import { readDataset, writeDataset } from '../src/data/artifact.js';
import type { NodeEmittedEvent } from '../src/events/events.js';
import type { NodeContext } from '../src/nodes/node-type.js';
import {
  evaluateNodeType,
  formatMetricsTable,
  modelNames,
  runEvaluate,
  type EvaluateParams,
} from '../src/nodes/builtin/evaluate.js';
import { builtinNodeTypes } from '../src/nodes/builtin/index.js';
import type { MetricsFile, PerUserFile } from '../src/metrics/metrics-file.js';
import {
  artifactRef as artifact,
  datasetOf,
  defaultParams,
  fixedRowModel,
  handMadeSequences,
  type FakeRecommender,
} from './evaluate-fakes.js';

beforeAll(async () => {
  await initEngine();
});

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) {
    await rm(folder, { recursive: true, force: true });
  }
});

async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'evaluate-test-'));
  folders.push(folder);
  return folder;
}

const defaults: EvaluateParams = {
  ...defaultParams,
  ks: [1, 2],
  coldItemThreshold: 1,
  sparseUserThreshold: 2,
  batchSize: 3,
  seed: 7,
};

interface Harness {
  context: NodeContext<EvaluateParams>;
  events: NodeEmittedEvent[];
  models: Record<string, FakeRecommender>;
}

/**
 * Builds a context with the hand-made dataset's artifact, written by the
 * data code, and two fake models: `student` ranks the test targets
 * 1, 2, 1, 1 and `teacher` 2, 2, 4, 1.
 */
async function harness(params: Partial<EvaluateParams> = {}): Promise<Harness> {
  const datasetDir = await tempFolder();
  await writeDataset(datasetDir, datasetOf(handMadeSequences, 6));
  const outDir = await tempFolder();
  const events: NodeEmittedEvent[] = [];
  const models = {
    'dir-student': fixedRowModel([0, 0.1, 0.9, 0.2, 0.3, 0.8, 0.7]),
    'dir-teacher': fixedRowModel([0, 0.9, 0.1, 0.8, 0.7, 0.2, 0.3]),
  };
  const context: NodeContext<EvaluateParams> = {
    params: { ...defaults, ...params },
    inputs: {
      dataset: artifact('data', datasetDir, 'dataset'),
      models: [
        artifact('student', 'dir-student', 'model'),
        artifact('teacher', 'dir-teacher', 'model'),
      ],
    },
    outDir,
    workDir: await tempFolder(),
    dataDir: '/nonexistent',
    pipelineDir: '/nonexistent',
    nodeName: 'evaluate',
    emit: (event) => events.push(event),
    signal: new AbortController().signal,
  };
  return { context, events, models };
}

async function run(h: Harness) {
  const result = await runEvaluate(h.context, {
    readDataset,
    loadRecommender: async (dir) => h.models[dir as keyof typeof h.models],
  });
  const metrics = JSON.parse(
    await readFile(path.join(h.context.outDir, 'metrics.json'), 'utf8'),
  ) as MetricsFile;
  const perUser = JSON.parse(
    await readFile(path.join(h.context.outDir, 'per-user.json'), 'utf8'),
  ) as PerUserFile;
  return { result, metrics, perUser };
}

const log2of3 = Math.log2(3);

describe('evaluate node', () => {
  it('writes hand-computed metrics', async () => {
    const { metrics } = await run(await harness());
    expect(Object.keys(metrics.models)).toEqual([
      'student',
      'teacher',
      'most-popular',
    ]);

    const student = metrics.models.student;
    expect(student['test.cases']).toBe(4);
    expect(student['test.hr@1']).toBe(0.75);
    expect(student['test.ndcg@1']).toBe(0.75);
    expect(student['test.hr@2']).toBe(1);
    expect(student['test.ndcg@2']).toBeCloseTo((3 + 1 / log2of3) / 4, 14);
    expect(student['test.mrr']).toBe(0.875);

    // Teacher ranks 2, 2, 4, 1; most-popular ranks 2, 2, 2, 1.
    expect(metrics.models.teacher['test.hr@1']).toBe(0.25);
    expect(metrics.models.teacher['test.mrr']).toBe(0.5625);
    const popular = metrics.models['most-popular'];
    expect(popular['test.hr@1']).toBe(0.25);
    expect(popular['test.ndcg@2']).toBeCloseTo((3 / log2of3 + 1) / 4, 14);
    expect(popular['test.mrr']).toBe(0.625);
  });

  it('reports segments with counts', async () => {
    const { metrics } = await run(await harness());
    expect(metrics.segments['cold-item'].cases).toBe(2);
    expect(metrics.segments['sparse-user'].cases).toBe(1);
    expect(metrics.segments.rest.cases).toBe(1);

    // Cold cases are users 0 and 1: student ranks 1 and 2.
    const student = metrics.models.student;
    expect(student['test.cold-item.cases']).toBe(2);
    expect(student['test.cold-item.mrr']).toBe(0.75);
    expect(student['test.cold-item.hr@1']).toBe(0.5);
    expect(student['test.sparse-user.hr@1']).toBe(1);
    expect(student['test.rest.mrr']).toBe(1);
  });

  it('empty segment has count only', async () => {
    const { metrics } = await run(await harness({ sparseUserThreshold: 0 }));
    const student = metrics.models.student;
    expect(student['test.sparse-user.cases']).toBe(0);
    expect(student['test.sparse-user.mrr']).toBeUndefined();
  });

  it('writes per-user vectors', async () => {
    const { perUser } = await run(await harness());
    expect(perUser.users).toEqual([0, 1, 2, 4]);
    expect(perUser.models.student['test.hr@1']).toEqual([1, 0, 1, 1]);
    expect(perUser.models.teacher['test.mrr']).toEqual([0.5, 0.5, 0.25, 1]);
  });

  it('compares first model with others', async () => {
    const { metrics } = await run(await harness());
    // 2 other models × (2 metrics per K × 2 Ks + MRR).
    expect(metrics.comparisons).toHaveLength(10);
    const mrr = metrics.comparisons.find(
      (c) => c.model === 'teacher' && c.metric === 'test.mrr',
    )!;
    expect(mrr.baseline).toBe('student');
    expect(mrr.n).toBe(4);
    // Differences teacher - student: -0.5, 0, -0.75, 0: mean -0.3125,
    // s = 0.375, t = -0.3125 / (0.375 / 2) = -5/3, df = 3; p from
    // scipy.stats.ttest_rel. Wilcoxon ranks the two non-zero differences,
    // both negative: W+ = 0, exact p = 2 · 1/4.
    expect(mrr.meanDifference).toBe(-0.3125);
    expect(mrr.baselineMean).toBe(0.875);
    expect(mrr.modelMean).toBe(0.5625);
    expect(mrr.tTest.df).toBe(3);
    expect(mrr.tTest.statistic).toBeCloseTo(-5 / 3, 13);
    expect(mrr.tTest.pValue).toBeCloseTo(0.19417134561205848, 12);
    expect(mrr.wilcoxon.nonZero).toBe(2);
    expect(mrr.wilcoxon.statistic).toBe(0);
    expect(mrr.wilcoxon.pValue).toBe(0.5);
    expect(mrr.mcNemar).toBeUndefined();
    // HR@1: student 1, 0, 1, 1 and teacher 0, 0, 0, 1 (its reciprocal
    // ranks are 0.5, 0.5, 0.25, 1). Two cases only the student hits, none
    // only the teacher: exact p = 2 · 1/4.
    const hr = metrics.comparisons.find(
      (c) => c.model === 'teacher' && c.metric === 'test.hr@1',
    )!;
    expect(hr.mcNemar).toEqual({ onlyA: 0, onlyB: 2, pValue: 0.5 });
  });

  it('keys flattened metrics by model', async () => {
    const { result } = await run(await harness());
    expect(result.metrics!['student.test.ndcg@1']).toBe(0.75);
    expect(result.metrics!['most-popular.test.mrr']).toBe(0.625);
    expect(result.metrics!['teacher.test.cold-item.cases']).toBe(2);
  });

  it('sampled equals full on tiny catalogue', async () => {
    // With 100 negatives and 6 items every other candidate is sampled, so
    // both protocols rank among the same items.
    const { metrics } = await run(await harness({ protocol: 'both' }));
    expect(metrics.negatives).toBe(100);
    for (const values of Object.values(metrics.models)) {
      expect(values['test.sampled.mrr']).toBe(values['test.mrr']);
      expect(values['test.cold-item.sampled.hr@1']).toBe(
        values['test.cold-item.hr@1'],
      );
    }
  });

  it('valid split uses earlier targets', async () => {
    const { metrics } = await run(await harness({ split: 'valid' }));
    // Valid targets 4, 1, 1, 5 with histories [1,2,3], [2,3], [4],
    // [3,1,2,4,6]; student row ranks them 3, 4, 5, 1.
    const student = metrics.models.student;
    expect(student['valid.cases']).toBe(4);
    expect(student['valid.mrr']).toBeCloseTo(
      (1 / 3 + 1 / 4 + 1 / 5 + 1) / 4,
      14,
    );
    expect(student['test.mrr']).toBeUndefined();
  });

  it('frees models and tensors', async () => {
    const h = await harness({ protocol: 'both' });
    const before = tf.memory().numTensors;
    await run(h);
    expect(h.models['dir-student'].disposed).toBe(true);
    expect(h.models['dir-teacher'].disposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('emits progress and the table', async () => {
    const h = await harness();
    await run(h);
    const phases = h.events.flatMap((e) =>
      e.kind === 'progress' && e.phase ? [e.phase] : [],
    );
    expect(phases).toContain('evaluating student');
    expect(phases).toContain('evaluating most-popular');
    const messages = h.events.flatMap((e) =>
      e.kind === 'log' ? [e.message] : [],
    );
    expect(messages).toHaveLength(4);
    expect(messages[0]).toMatch(/^Ranked 4 users with student in \d+ ms/);
    expect(messages[3]).toContain('test: full ranking over all items');
  });

  it('rejects a model of another catalogue', async () => {
    const h = await harness();
    h.models['dir-teacher'] = fixedRowModel([0, 1, 2, 3]);
    await expect(run(h)).rejects.toThrow(
      /`teacher` scores 3 items but the dataset has 6/,
    );
    expect(h.models['dir-student'].disposed).toBe(true);
  });

  it('rejects a missing dataset input', async () => {
    const h = await harness();
    h.context.inputs.dataset = [];
    await expect(run(h)).rejects.toThrow(/required `dataset` input/);
  });

  it('stops when the signal aborts', async () => {
    const h = await harness();
    const controller = new AbortController();
    controller.abort(new Error('cancelled by test'));
    h.context.signal = controller.signal;
    await expect(run(h)).rejects.toThrow('cancelled by test');
  });
});

describe('model names', () => {
  it('suffixes repeats and the baseline name', () => {
    expect(modelNames(['student', 'student', 'most-popular'])).toEqual([
      'student',
      'student-2',
      'most-popular-2',
    ]);
  });
});

describe('metrics table', () => {
  it('formats models as rows', async () => {
    const { metrics } = await run(await harness({ ks: [10, 20] }));
    const lines = formatMetricsTable(metrics).split('\n');
    expect(lines[0]).toBe('test: full ranking over all items, 4 users');
    expect(lines[1].split(/\s+/)).toEqual([
      'model',
      'HR@10',
      'NDCG@10',
      'HR@20',
      'NDCG@20',
      'MRR',
    ]);
    expect(lines[2].split(/\s+/)).toEqual([
      'student',
      '1.0000',
      '0.9077',
      '1.0000',
      '0.9077',
      '0.8750',
    ]);
    expect(lines[4].startsWith('most-popular')).toBe(true);
  });

  it('adds a sampled block', () => {
    const text = formatMetricsTable({
      split: 'valid',
      protocol: 'sampled',
      ks: [10],
      cases: 3,
      negatives: 100,
      models: { a: { 'valid.sampled.hr@10': 0.5 } },
    });
    expect(text.split('\n')).toEqual([
      'valid: sampled, target among 100 negatives, 3 users',
      'model   HR@10  NDCG@10  MRR',
      'a      0.5000        -    -',
    ]);
  });
});

describe('node type', () => {
  it('declares inputs and defaults', () => {
    expect(evaluateNodeType.name).toBe('evaluate');
    expect(evaluateNodeType.usesEngine).toBe(true);
    expect(evaluateNodeType.output).toBe('metrics');
    expect(evaluateNodeType.inputs.models.multiple).toBe(true);
    expect(evaluateNodeType.params.ks.default).toEqual([10, 20]);
    expect(evaluateNodeType.params.sparseUserThreshold.default).toBe(30);
    for (const [name, value] of Object.entries(defaultParams)) {
      expect(evaluateNodeType.params[name].default).toEqual(value);
    }
    expect(builtinNodeTypes).toContain(evaluateNodeType);
  });
});
