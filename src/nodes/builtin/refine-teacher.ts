/**
 * The `refine-teacher` node type: trains the teacher with its item tables
 * frozen for the first epochs and then updated at their own learning rate,
 * on cross-entropy plus a KL term that keeps its softened predictions
 * near the student's.
 */
import { defineNodeType } from '../node-type.js';
import { train } from '../../models/train.js';
import { trainingSplit } from '../../models/split.js';
import { decayedWeight, type DecaySchedule } from '../../models/schedule.js';
import {
  integer,
  MAX_EPOCHS,
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

/** Parameters of `refine-teacher`. */
export interface RefineTeacherParams extends TrainingParams {
  freezeEpochs: number;
  embeddingLearningRate: number;
  klWeight: number;
  temperature: number;
  klSchedule: DecaySchedule;
}

/** The `refine-teacher` node type. */
export const refineTeacherNodeType = defineNodeType<RefineTeacherParams>({
  name: 'refine-teacher',
  version: '1',
  description:
    'Trains the teacher on cross-entropy plus T^2 * KL(student_T || teacher_T), ' +
    'with its item embeddings frozen for the first epochs.',
  module: import.meta.url,
  usesEngine: true,
  output: 'model',
  inputs: {
    teacher: { kind: 'model', description: 'The teacher from `init-teacher-from-student`.' },
    student: { kind: 'model', description: 'The trained student the KL term pulls towards.' },
    dataset: { kind: 'dataset', description: 'The dataset the student was trained on.' },
  },
  params: {
    freezeEpochs: integer(
      'First epochs in which the item tables are not updated. Default 2.',
      2,
      0,
      MAX_EPOCHS,
    ),
    embeddingLearningRate: {
      type: 'number',
      description:
        'Adam learning rate of the item tables once unfrozen. Default ' +
        '0.0001, a tenth of the default rate, so the student-derived ' +
        'embeddings are refined rather than overwritten.',
      default: 0.0001,
      exclusiveMin: 0,
      max: 1,
    },
    klWeight: {
      type: 'number',
      description:
        'Weight of T^2 * KL(student_T || teacher_T): the student\'s softened ' +
        'distribution is the target. 0 trains on cross-entropy alone. Default 0.5.',
      default: 0.5,
      min: 0,
      max: 1000,
    },
    temperature: {
      type: 'number',
      description: 'Softmax temperature T of both distributions in the KL term. Default 2.',
      default: 2,
      exclusiveMin: 0,
      max: 1000,
    },
    klSchedule: {
      type: 'enum',
      values: ['none', 'linear', 'cosine'],
      default: 'none',
      description:
        'How klWeight decays from its value in epoch 1 to 0 in the last ' +
        'epoch: `none` keeps it constant.',
    },
    ...trainingParamSchema({ epochs: 100, learningRate: 0.001, patience: 10 }),
  },
  async run(context) {
    const { params } = context;
    const dataset = await readDatasetInput(context);
    const teacher = await readModelInput(context, 'teacher');
    const student = await readModelInput(context, 'student');
    try {
      checkSameItems(teacher.config, dataset, 'teacher');
      checkSameItems(student.config, dataset, 'student');
      checkSameLength(teacher.config.maxLength, student.config.maxLength);
      const kl =
        params.klWeight > 0
          ? {
              reference: student,
              temperature: params.temperature,
              weightAt: (epoch: number) =>
                decayedWeight(params.klWeight, params.klSchedule, epoch, params.epochs),
            }
          : undefined;
      const result = await train(
        teacher,
        trainingSplit(dataset),
        { loss: 'softmax', lossWeight: 1, chunkSize: params.chunkSize, kl },
        trainOptionsFrom(params, {
          freezeEpochs: params.freezeEpochs,
          embeddingLearningRate: params.embeddingLearningRate,
        }),
        trainContext(context),
      );
      return await finishTraining(context, teacher, result, {
        klDirection: 'KL(student_T || teacher_T)',
      });
    } finally {
      teacher.dispose();
      student.dispose();
    }
  },
});

/** Rejects a teacher and student that read histories of different lengths. */
export function checkSameLength(teacherLength: number, studentLength: number): void {
  if (teacherLength !== studentLength) {
    throw new Error(
      `The teacher reads ${teacherLength} positions and the student ` +
        `${studentLength}; the KL term compares them position by position: ` +
        'build the teacher from this student.',
    );
  }
}
