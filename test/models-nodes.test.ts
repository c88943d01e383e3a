import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDataset } from '../src/data/artifact.js';
import type { NodeEmittedEvent } from '../src/events/events.js';
import { initEngine } from '../src/engine/index.js';
import { loadRecommender } from '../src/models/artifact.js';
import type {
  ArtifactDigest,
  ArtifactRef,
  CacheKey,
  NodeContext,
  NodeType,
  ParamSpec,
} from '../src/nodes/node-type.js';
import { distillBackNodeType } from '../src/nodes/builtin/distill-back.js';
import { initTeacherNodeType } from '../src/nodes/builtin/init-teacher.js';
import { pretrainStudentNodeType } from '../src/nodes/builtin/pretrain-student.js';
import { refineTeacherNodeType } from '../src/nodes/builtin/refine-teacher.js';
import { builtinNodeTypes } from '../src/nodes/builtin/index.js';
import { tinyDataset } from './models-fixture.js';

let root: string;
let dataset: ArtifactRef;

beforeAll(async () => {
  await initEngine();
  root = await mkdtemp(join(tmpdir(), 'distillery-nodes-'));
  dataset = artifact('dataset', join(root, 'dataset'));
  await mkdir(dataset.dir);
  await writeDataset(dataset.dir, tinyDataset());
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function artifact(kind: string, dir: string): ArtifactRef {
  return {
    key: 'k' as CacheKey,
    digest: 'd' as ArtifactDigest,
    dir,
    kind,
    producer: kind,
    summary: {},
  };
}

// Fills defaults the way the spec validator does, then applies `params`.
function withDefaults(
  type: NodeType,
  params: Record<string, unknown>,
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(type.params)) {
    resolved[name] = (spec as ParamSpec).default;
  }
  return { ...resolved, ...params };
}

async function runNode(
  type: NodeType,
  name: string,
  params: Record<string, unknown>,
  inputs: Record<string, ArtifactRef>,
) {
  const outDir = join(root, name);
  const workDir = join(root, `${name}-work`);
  await mkdir(outDir);
  await mkdir(workDir);
  const events: NodeEmittedEvent[] = [];
  const context: NodeContext = {
    params: withDefaults(type, params),
    inputs,
    outDir,
    workDir,
    dataDir: root,
    pipelineDir: root,
    nodeName: name,
    emit: (event) => events.push(event),
    signal: new AbortController().signal,
  };
  const result = await type.run(context);
  return { result, events, model: artifact('model', outDir) };
}

const tiny = {
  hiddenSize: 8,
  blocks: 1,
  heads: 1,
  maxLength: 12,
  epochs: 2,
  batchSize: 16,
  learningRate: 0.01,
  chunkSize: 64,
};

describe('training nodes', () => {
  it('run the double distillation chain', async () => {
    const student = await runNode(pretrainStudentNodeType, 'student', tiny, {
      dataset,
    });
    expect(student.result.metrics?.epochsRun).toBe(2);
    expect(student.result.metrics?.['valid.ndcg@10']).toBeGreaterThan(0);
    expect((student.result.summary?.history as unknown[]).length).toBe(2);
    const progress = student.events.filter(
      (e) => e.kind === 'progress' && e.step,
    );
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({
      epoch: 1,
      epochs: 2,
      step: 1,
      steps: 3,
    });
    const metricNames = student.events
      .filter((e) => e.kind === 'metric')
      .map((e) => e.name);
    expect(metricNames).toContain('valid.ndcg@10');

    const grown = await runNode(
      initTeacherNodeType,
      'grown',
      { hiddenSize: 16, blocks: 2, heads: 2, init: 'function-preserving' },
      { dataset, student: student.model },
    );
    // Growth keeps the student's scores, so its validation NDCG too.
    expect(grown.result.metrics?.['valid.ndcg@10']).toBeCloseTo(
      student.result.metrics?.['valid.ndcg@10'] as number,
      6,
    );

    const teacher = await runNode(
      initTeacherNodeType,
      'teacher',
      { hiddenSize: 16, blocks: 2, heads: 2 },
      { dataset, student: student.model },
    );
    const refined = await runNode(
      refineTeacherNodeType,
      'refined',
      {
        ...tiny,
        freezeEpochs: 1,
        klSchedule: 'cosine',
        text: 'titles',
        titleTokens: 4,
      },
      { dataset, student: student.model, teacher: teacher.model },
    );
    expect(refined.result.metrics?.epochsRun).toBe(2);
    const refinedModel = await loadRecommender(refined.model.dir);
    expect(refinedModel.description).toMatch(/^teacher/);
    refinedModel.dispose();
    const refinedJson = JSON.parse(
      await readFile(join(refined.model.dir, 'model.json'), 'utf8'),
    );
    expect(refinedJson.modelTopology.text.titleTokens).toBe(4);

    const distilled = await runNode(
      distillBackNodeType,
      'distilled',
      {
        ...tiny,
        rankingDistillation: { weight: 0.5, topK: 5, lambda: 2 },
        embeddingDistillation: 0.1,
      },
      { dataset, student: student.model, teacher: refined.model },
    );
    expect(distilled.result.metrics?.epochsRun).toBe(2);
    const json = JSON.parse(
      await readFile(join(distilled.model.dir, 'model.json'), 'utf8'),
    );
    expect(json.modelTopology.role).toBe('distilled');
    expect(json.modelTopology.hiddenSize).toBe(8);
  });

  it('are registered as built-ins', () => {
    const names = builtinNodeTypes.map((type) => type.name);
    for (const name of [
      'pretrain-student',
      'init-teacher-from-student',
      'refine-teacher',
      'distill-back',
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each([
    ['epochs', { max: 10_000, min: 1 }],
    ['hiddenSize', { max: 4096, min: 1 }],
    ['dropout', { min: 0 }],
    ['learningRate', { exclusiveMin: 0 }],
    ['patience', { min: 0 }],
  ])('student param %s has bounds', (name, bounds) => {
    expect(pretrainStudentNodeType.params[name]).toMatchObject(bounds);
  });

  it('node types use the engine', () => {
    for (const type of [
      pretrainStudentNodeType,
      initTeacherNodeType,
      refineTeacherNodeType,
      distillBackNodeType,
    ]) {
      expect(type.usesEngine).toBe(true);
      expect(type.output).toBe('model');
      expect(type.module).toMatch(/^file:/);
    }
  });
});
