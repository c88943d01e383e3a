/**
 * The `distill-back` node type: trains the student on
 * `(1 - alpha) * CE + alpha * T^2 * KL(teacher_T || student_T)`, with
 * optional ranking distillation from the teacher's top-K items and an MSE
 * between the student's and the teacher's item embeddings.
 */
import { defineNodeType } from '../node-type.js';
import { SequentialModel } from '../../models/model.js';
import { train } from '../../models/train.js';
import { trainingSplit } from '../../models/split.js';
import { readWeights } from '../../models/train-state.js';
import type { Objective } from '../../models/objective.js';
import {
  fraction,
  integer,
  trainingParamSchema,
  trainOptionsFrom,
  type TrainingParams,
} from '../../models/node-params.js';
import {
  checkSameItems,
  finishTraining,
  readDatasetInput,
  readModelInput,
  trainContext,
} from '../../models/node-support.js';
import { checkSameLength } from './refine-teacher.js';

/** Parameters of `distill-back`. */
export interface DistillBackParams extends TrainingParams {
  alpha: number;
  temperature: number;
  from: 'pretrained' | 'scratch';
  rankingDistillation: { weight: number; topK: number; lambda: number };
  embeddingDistillation: number;
}

/** The `distill-back` node type. */
export const distillBackNodeType = defineNodeType<DistillBackParams>({
  name: 'distill-back',
  version: '1',
  description:
    'Distils the refined teacher back into the student with soft labels ' +
    '(T^2-scaled KL), optionally with ranking and embedding distillation.',
  module: import.meta.url,
  usesEngine: true,
  output: 'model',
  inputs: {
    teacher: { kind: 'model', description: 'The refined teacher.' },
    student: {
      kind: 'model',
      description:
        'The pretrained student: its weights with `from: pretrained`, its architecture always.',
    },
    dataset: {
      kind: 'dataset',
      description: 'The dataset both were trained on.',
    },
  },
  params: {
    alpha: fraction(
      'Weight of the soft-label term; the cross-entropy gets 1 - alpha. Default 0.5.',
      0.5,
    ),
    temperature: {
      type: 'number',
      description:
        'Softmax temperature T of both distributions in the KL term. Default 2.',
      default: 2,
      exclusiveMin: 0,
      max: 1000,
    },
    from: {
      type: 'enum',
      values: ['pretrained', 'scratch'],
      default: 'pretrained',
      description:
        "`pretrained`: continue from the student's weights. `scratch`: " +
        "the student's architecture with fresh weights from `seed`.",
    },
    rankingDistillation: {
      type: 'object',
      description:
        "Ranking distillation: the teacher's top-K items at each position, " +
        'leaving out the items the sequence has shown and its target, count ' +
        'as positives weighted by exp(-rank / lambda). Off while weight is 0.',
      properties: {
        weight: {
          type: 'number',
          description: 'Weight of the term. Default 0.',
          default: 0,
          min: 0,
          max: 1000,
        },
        topK: {
          type: 'integer',
          description: 'Teacher items per position. Default 10.',
          default: 10,
          min: 1,
          max: 1000,
        },
        lambda: {
          type: 'number',
          description:
            'Rank decay: larger spreads weight over more ranks. Default 5.',
          default: 5,
          exclusiveMin: 0,
          max: 1_000_000,
        },
      },
      default: { weight: 0, topK: 10, lambda: 5 },
    },
    embeddingDistillation: {
      type: 'number',
      description:
        "Weight of the MSE between the student's item embeddings and the " +
        "teacher's output item table (already in the student's space). Default 0.",
      default: 0,
      min: 0,
      max: 1000,
    },
    ...trainingParamSchema({ epochs: 200, learningRate: 0.001, patience: 10 }),
  },
  async run(context) {
    const { params } = context;
    const dataset = await readDatasetInput(context);
    const teacher = await readModelInput(context, 'teacher');
    const pretrained = await readModelInput(context, 'student');
    let student: SequentialModel | undefined;
    try {
      checkSameItems(teacher.config, dataset, 'teacher');
      checkSameItems(pretrained.config, dataset, 'student');
      checkSameLength(teacher.config.maxLength, pretrained.config.maxLength);
      checkEmbeddingWidths(params, teacher, pretrained);
      student = await startingStudent(pretrained, params);
      const result = await train(
        student,
        trainingSplit(dataset),
        distillationObjective(params, teacher),
        trainOptionsFrom(params),
        trainContext(context),
      );
      return await finishTraining(context, student, result, {
        klDirection: 'KL(teacher_T || student_T)',
        from: params.from,
      });
    } finally {
      student?.dispose();
      teacher.dispose();
      pretrained.dispose();
    }
  },
});

async function startingStudent(
  pretrained: SequentialModel,
  params: DistillBackParams,
): Promise<SequentialModel> {
  const config = { ...pretrained.config, role: 'distilled' as const };
  if (params.from === 'scratch')
    return SequentialModel.create(config, params.seed);
  return new SequentialModel(config, await readWeights(pretrained));
}

function distillationObjective(
  params: DistillBackParams,
  teacher: SequentialModel,
): Objective {
  const ranking = params.rankingDistillation;
  return {
    loss: 'softmax',
    lossWeight: 1 - params.alpha,
    chunkSize: params.chunkSize,
    kl:
      params.alpha > 0
        ? {
            reference: teacher,
            temperature: params.temperature,
            weightAt: () => params.alpha,
          }
        : undefined,
    ranking: ranking.weight > 0 ? { teacher, ...ranking } : undefined,
    embedding:
      params.embeddingDistillation > 0
        ? { teacher, weight: params.embeddingDistillation }
        : undefined,
  };
}

function checkEmbeddingWidths(
  params: DistillBackParams,
  teacher: SequentialModel,
  student: SequentialModel,
): void {
  if (
    params.embeddingDistillation > 0 &&
    teacher.config.embeddingSize !== student.config.embeddingSize
  ) {
    throw new Error(
      `The teacher's item tables are ${teacher.config.embeddingSize} wide and ` +
        `the student's ${student.config.embeddingSize}; embedding ` +
        'distillation compares them entry by entry: build the teacher from this student.',
    );
  }
}
