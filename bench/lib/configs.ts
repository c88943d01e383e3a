/**
 * The benchmark's models and hyperparameters, read from a pipeline file
 * (the main pipeline by default) with the node types' defaults filled in,
 * so the benchmark trains what `distillery run` would train.
 */
import { resolve } from 'node:path';
import type { AdamOptions } from '../../src/models/adam.js';
import type { Activation, ModelConfig } from '../../src/models/config.js';
import {
  trainOptionsFrom,
  type TrainingParams,
} from '../../src/models/node-params.js';
import type { TeacherOptions } from '../../src/models/teacher.js';
import { createRegistry } from '../../src/nodes/registry.js';
import { loadPipeline, resolvePipeline } from '../../src/spec/index.js';
import type { ResolvedNode } from '../../src/spec/index.js';

/** Training hyperparameters of one role, as its training node sets them. */
export interface RoleTraining {
  batchSize: number;
  learningRate: number;
  adam: AdamOptions;
  /** Positions per chunk of the product's full-softmax loss. */
  chunkSize: number;
  /** Seed of the node's weights. */
  seed: number;
}

/** Everything the benchmark takes from the pipeline file. */
export interface BenchSetup {
  /** Parameters of the `load-data` node. */
  data: Record<string, unknown>;
  /** Student architecture, with `numItems` still 0. */
  student: Omit<ModelConfig, 'numItems'>;
  studentTraining: RoleTraining;
  /** Options of `init-teacher-from-student`. */
  teacher: TeacherOptions;
  /** Hyperparameters of `refine-teacher`, the node that trains it. */
  teacherTraining: RoleTraining;
  /** Test users per `scoreAll` call in the `evaluate` node. */
  evaluateBatchSize: number;
}

/** Options of `readBenchSetup`. */
export interface SetupOptions {
  /** Pipeline file; relative paths start at `repoRoot`. */
  pipeline: string;
  repoRoot: string;
  /** Positions the models read; overrides `vars.maxLength`. */
  maxLength: number;
  /** Dropout of both models; the nodes' value when undefined. */
  dropout?: number;
}

/**
 * Loads the pipeline, resolves its node parameters and returns the setup
 * of its first node of each type the benchmark needs.
 */
export async function readBenchSetup(
  options: SetupOptions,
): Promise<BenchSetup> {
  const registry = createRegistry();
  const file = resolve(options.repoRoot, options.pipeline);
  const spec = await loadPipeline(file, {
    registry,
    overrides: [`vars.maxLength=${options.maxLength}`],
  });
  const nodes = resolvePipeline(spec, { registry }).nodes;
  const find = (type: string) => nodeOfType(nodes, type, file);

  const student = find('pretrain-student').params;
  const teacher = find('init-teacher-from-student').params;
  return {
    data: find('load-data').params,
    student: studentConfig(student, options),
    studentTraining: roleTraining(student),
    teacher: {
      ...(teacher as unknown as TeacherOptions),
      dropout: options.dropout ?? (teacher.dropout as number),
    },
    teacherTraining: roleTraining(find('refine-teacher').params),
    evaluateBatchSize: find('evaluate').params.batchSize as number,
  };
}

function nodeOfType(
  nodes: ResolvedNode[],
  type: string,
  file: string,
): ResolvedNode {
  const node = nodes.find((candidate) => candidate.type === type);
  if (!node) {
    throw new Error(
      `Pipeline \`${file}\` has no \`${type}\` node, and the benchmark ` +
        'reads its parameters from one: pass a pipeline with `--pipeline` ' +
        'that has the whole double-distillation workflow.',
    );
  }
  return node;
}

// The config `pretrain-student` builds from its parameters.
function studentConfig(
  params: Record<string, unknown>,
  options: SetupOptions,
): Omit<ModelConfig, 'numItems'> {
  const hiddenSize = params.hiddenSize as number;
  return {
    role: 'student',
    maxLength: params.maxLength as number,
    embeddingSize: hiddenSize,
    hiddenSize,
    blocks: params.blocks as number,
    heads: params.heads as number,
    ffnMultiplier: params.ffnMultiplier as number,
    activation: params.activation as Activation,
    dropout: options.dropout ?? (params.dropout as number),
    head: 'tied',
  };
}

// Batch size, learning rate and Adam settings as the training nodes pass
// them to the training loop.
function roleTraining(params: Record<string, unknown>): RoleTraining {
  const options = trainOptionsFrom(params as unknown as TrainingParams);
  return {
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    adam: options.adam,
    chunkSize: params.chunkSize as number,
    seed: options.seed,
  };
}
