/**
 * Building a teacher from a trained student. Every teacher has an
 * embedding head: its last hidden state is projected into the student's
 * item-embedding space and scored against an output item table.
 */
import type { Activation, ModelConfig } from './config.js';
import { growthProblems, growWeights } from './growth.js';
import type { ItemTextInputs } from './item-text.js';
import { SequentialModel } from './model.js';
import { readWeights } from './train-state.js';
import { initialValues, WEIGHT } from './weights.js';

/**
 * Initialisation of the teacher's weights. `embedding-head`: input and output
 * item tables copied from the student, everything else random.
 * `function-preserving`: the student grown wider and deeper so the
 * untrained teacher scores exactly as the student. `random`: the same
 * architecture with nothing copied, the baseline.
 */
export type TeacherInit = 'embedding-head' | 'function-preserving' | 'random';

/** Architecture and initialisation of a teacher. */
export interface TeacherOptions {
  hiddenSize: number;
  blocks: number;
  heads: number;
  ffnMultiplier: number;
  activation: Activation;
  dropout: number;
  init: TeacherInit;
  /** Seed of the random parts. */
  seed: number;
}

/**
 * Builds the teacher's config with the student's items, length and item
 * width.
 */
export function teacherConfig(
  student: ModelConfig,
  options: TeacherOptions,
): ModelConfig {
  return {
    role: 'teacher',
    numItems: student.numItems,
    maxLength: student.maxLength,
    embeddingSize: student.embeddingSize,
    hiddenSize: options.hiddenSize,
    blocks: options.blocks,
    heads: options.heads,
    ffnMultiplier: options.ffnMultiplier,
    activation: options.activation,
    dropout: options.dropout,
    head: 'embedding',
  };
}

/** Builds an untrained teacher from `student` by `options.init`. */
export async function initTeacher(
  student: SequentialModel,
  options: TeacherOptions,
): Promise<SequentialModel> {
  const config = teacherConfig(student.config, options);
  const random = initialValues(config, options.seed);
  switch (options.init) {
    case 'random':
      return new SequentialModel(config, random);
    case 'embedding-head':
      return new SequentialModel(
        config,
        copyItemTables(student, random, await readWeights(student)),
      );
    case 'function-preserving': {
      const problems = growthProblems(student.config, config);
      if (problems.length > 0) throw new Error(problems.join(' '));
      return new SequentialModel(
        config,
        growWeights(student.config, await readWeights(student), config, random),
      );
    }
  }
}

// Both teacher tables start from the student's scoring table, which is
// its input table for a tied head.
function copyItemTables(
  student: SequentialModel,
  random: Map<string, Float32Array>,
  studentValues: Map<string, Float32Array>,
): Map<string, Float32Array> {
  const outputName =
    student.config.head === 'tied'
      ? WEIGHT.itemEmbedding
      : WEIGHT.outputItemEmbedding;
  const values = new Map(random);
  values.set(
    WEIGHT.itemEmbedding,
    required(studentValues, WEIGHT.itemEmbedding),
  );
  values.set(WEIGHT.outputItemEmbedding, required(studentValues, outputName));
  return values;
}

function required(
  values: Map<string, Float32Array>,
  name: string,
): Float32Array {
  const value = values.get(name);
  if (!value)
    throw new Error(`Internal error: student weight \`${name}\` is missing.`);
  return value;
}

/**
 * Returns a copy of `model` that adds item text to its item tables. The
 * text tables start at zero, so the copy scores exactly as `model` until
 * it is trained. The caller disposes both models.
 */
export async function addItemText(
  model: SequentialModel,
  inputs: ItemTextInputs,
): Promise<SequentialModel> {
  if (model.config.text) {
    throw new Error(
      `The model already has item text (${JSON.stringify(model.config.text)}): ` +
        'set `text: none` or start from a model without text.',
    );
  }
  const config: ModelConfig = { ...model.config, text: inputs.config };
  const values = initialValues(config, 0);
  for (const [name, value] of await readWeights(model)) values.set(name, value);
  for (const [name, value] of inputs.constants) values.set(name, value);
  return new SequentialModel(config, values);
}
