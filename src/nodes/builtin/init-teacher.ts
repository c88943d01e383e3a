/**
 * The `init-teacher-from-student` node type: builds a larger teacher
 * transformer with an embedding head from a trained student, without
 * training it.
 */
import { defineNodeType } from '../node-type.js';
import { saveModel } from '../../models/artifact.js';
import { fraction, integer, MAX_WIDTH } from '../../models/node-params.js';
import {
  checkSameItems,
  readDatasetInput,
  readModelInput,
} from '../../models/node-support.js';
import { initTeacher, type TeacherOptions } from '../../models/teacher.js';
import { trainingSplit } from '../../models/split.js';
import { validate } from '../../models/validation.js';

/** Parameters of `init-teacher-from-student`: the teacher's options. */
export type InitTeacherParams = TeacherOptions;

/** The `init-teacher-from-student` node type. */
export const initTeacherNodeType = defineNodeType<InitTeacherParams>({
  name: 'init-teacher-from-student',
  version: '1',
  description:
    'Builds a larger teacher with an embedding head, initialised from a ' +
    "trained student's item embeddings (or grown from the whole student).",
  module: import.meta.url,
  usesEngine: true,
  output: 'model',
  inputs: {
    student: { kind: 'model', description: 'The trained student.' },
    dataset: {
      kind: 'dataset',
      description: 'The dataset the student was trained on.',
    },
  },
  params: {
    hiddenSize: integer('Teacher hidden size. Default 128.', 128, 1, MAX_WIDTH),
    blocks: integer('Teacher self-attention blocks. Default 4.', 4, 1, 64),
    heads: integer(
      'Teacher attention heads; must divide hiddenSize. With ' +
        '`function-preserving` it must be the student heads times ' +
        'hiddenSize / student hiddenSize. Default 2.',
      2,
      1,
      64,
    ),
    ffnMultiplier: {
      type: 'number',
      description:
        'Teacher FFN inner width as a multiple of hiddenSize. Default 4.',
      default: 4,
      exclusiveMin: 0,
      max: 64,
    },
    activation: {
      type: 'enum',
      values: ['relu', 'gelu'],
      default: 'relu',
      description:
        "Teacher FFN activation; `function-preserving` needs the student's. Default `relu`.",
    },
    dropout: fraction('Teacher dropout rate. Default 0.2.', 0.2),
    init: {
      type: 'enum',
      values: ['embedding-head', 'function-preserving', 'random'],
      default: 'embedding-head',
      description:
        "`embedding-head`: copy the student's item embeddings into both " +
        'teacher item tables, the rest random. `function-preserving`: ' +
        'grow the whole student so the teacher starts with its scores. ' +
        '`random`: nothing copied (the baseline).',
    },
    seed: integer('Seed of the random weights.', 42, 0, 2 ** 32 - 1),
  },
  async run(context) {
    const { params } = context;
    const dataset = await readDatasetInput(context);
    const student = await readModelInput(context, 'student');
    checkSameItems(student.config, dataset, 'student');
    try {
      const teacher = await initTeacher(student, params);
      try {
        // The untrained teacher's validation score shows what the
        // initialisation carried over from the student.
        const metrics = validate(teacher, trainingSplit(dataset).validation);
        await saveModel(context.outDir, teacher, []);
        return {
          metrics: {
            'valid.ndcg@10': metrics.ndcg10,
            'valid.hr@10': metrics.hr10,
          },
          summary: {
            model: teacher.description,
            config: teacher.config,
            init: params.init,
          },
        };
      } finally {
        teacher.dispose();
      }
    } finally {
      student.dispose();
    }
  },
});
