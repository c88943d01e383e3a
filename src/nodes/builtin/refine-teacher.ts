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
import path from 'node:path';
import type { Dataset } from '../../data/dataset.js';
import { loadItemEmbeddings } from '../../data/embeddings-file.js';
import { itemTextInputs, type ItemTextInputs } from '../../models/item-text.js';
import { addItemText } from '../../models/teacher.js';
import {
  integer,
  MAX_EPOCHS,
  MAX_WIDTH,
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
  text: 'none' | 'titles' | 'embeddings-file';
  titleTokens: number;
  embeddingsFile: string;
  embeddingsDimension: number;
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
    teacher: {
      kind: 'model',
      description: 'The teacher from `init-teacher-from-student`.',
    },
    student: {
      kind: 'model',
      description: 'The trained student the KL term pulls towards.',
    },
    dataset: {
      kind: 'dataset',
      description: 'The dataset the student was trained on.',
    },
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
        "Weight of T^2 * KL(student_T || teacher_T): the student's softened " +
        'distribution is the target. 0 trains on cross-entropy alone. Default 0.5.',
      default: 0.5,
      min: 0,
      max: 1000,
    },
    temperature: {
      type: 'number',
      description:
        'Softmax temperature T of both distributions in the KL term. Default 2.',
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
    text: {
      type: 'enum',
      values: ['none', 'titles', 'embeddings-file'],
      default: 'none',
      description:
        'Item text added to both teacher item tables: `titles` adds the mean ' +
        "of the title's token embeddings and the mean of its genres' " +
        'embeddings; `embeddings-file` adds a learned projection of the ' +
        'vectors in `embeddingsFile` (and the genre embedding). Default `none`.',
    },
    titleTokens: integer(
      'Title words kept per item with `text: titles`. Default 16.',
      16,
      1,
      256,
    ),
    embeddingsFile: {
      type: 'string',
      default: '',
      description:
        'With `text: embeddings-file`: JSON lines or TSV of item vectors ' +
        'keyed by original item id, relative to the pipeline file unless absolute.',
    },
    embeddingsDimension: integer(
      'With `text: embeddings-file`: the length of every vector in the file.',
      384,
      1,
      MAX_WIDTH,
    ),
    ...trainingParamSchema({ epochs: 100, learningRate: 0.001, patience: 10 }),
  },
  fileDependencies(params, paths) {
    return params.text === 'embeddings-file'
      ? [embeddingsPath(params, paths.pipelineDir)]
      : [];
  },
  async run(context) {
    const { params } = context;
    const dataset = await readDatasetInput(context);
    const loaded = await readModelInput(context, 'teacher');
    const student = await readModelInput(context, 'student');
    let teacher = loaded;
    try {
      if (params.text !== 'none') {
        teacher = await addItemText(
          loaded,
          await textInputs(params, dataset, context.pipelineDir),
        );
      }
      checkSameItems(teacher.config, dataset, 'teacher');
      checkSameItems(student.config, dataset, 'student');
      checkSameLength(teacher.config.maxLength, student.config.maxLength);
      const kl =
        params.klWeight > 0
          ? {
              reference: student,
              temperature: params.temperature,
              weightAt: (epoch: number) =>
                decayedWeight(
                  params.klWeight,
                  params.klSchedule,
                  epoch,
                  params.epochs,
                ),
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
      if (teacher !== loaded) teacher.dispose();
      loaded.dispose();
      student.dispose();
    }
  },
});

/** Rejects a teacher and student that read histories of different lengths. */
export function checkSameLength(
  teacherLength: number,
  studentLength: number,
): void {
  if (teacherLength !== studentLength) {
    throw new Error(
      `The teacher reads ${teacherLength} positions and the student ` +
        `${studentLength}; the KL term compares them position by position: ` +
        'build the teacher from this student.',
    );
  }
}

function embeddingsPath(
  params: RefineTeacherParams,
  pipelineDir: string,
): string {
  if (params.embeddingsFile === '') {
    throw new Error(
      '`embeddingsFile` is empty but `text` is `embeddings-file`: set it to ' +
        'a JSON lines or TSV file of item vectors.',
    );
  }
  return path.resolve(pipelineDir, params.embeddingsFile);
}

async function textInputs(
  params: RefineTeacherParams,
  dataset: Dataset,
  pipelineDir: string,
): Promise<ItemTextInputs> {
  if (params.text === 'titles') {
    return itemTextInputs(dataset, {
      titles: true,
      genres: true,
      titleTokens: params.titleTokens,
    });
  }
  const vectors = await loadItemEmbeddings(
    embeddingsPath(params, pipelineDir),
    dataset.items,
    { dimension: params.embeddingsDimension },
  );
  return itemTextInputs(dataset, {
    titles: false,
    genres: true,
    titleTokens: params.titleTokens,
    file: { matrix: vectors.matrix, size: vectors.dimension },
  });
}
