/**
 * Weight names and shapes of a model, and their seeded initialisation.
 * Names are stable strings because they key `weights.bin` entries and
 * checkpoints; every name appears in `weightShapes`.
 */
import { tf } from '../engine/index.js';
import { ffnSize, hasInputProjection, type ModelConfig } from './config.js';
import { textWeightShapes } from './item-text.js';
import { Prng } from './prng.js';

/** Weight names of block `i`, in a fixed order. */
export function blockWeightNames(i: number): Record<string, string> {
  const p = `block_${i}`;
  return {
    attentionGamma: `${p}/attention_norm/gamma`,
    attentionBeta: `${p}/attention_norm/beta`,
    queryKernel: `${p}/attention/query/kernel`,
    queryBias: `${p}/attention/query/bias`,
    keyKernel: `${p}/attention/key/kernel`,
    keyBias: `${p}/attention/key/bias`,
    valueKernel: `${p}/attention/value/kernel`,
    valueBias: `${p}/attention/value/bias`,
    outputKernel: `${p}/attention/output/kernel`,
    outputBias: `${p}/attention/output/bias`,
    ffnGamma: `${p}/ffn_norm/gamma`,
    ffnBeta: `${p}/ffn_norm/beta`,
    innerKernel: `${p}/ffn/inner/kernel`,
    innerBias: `${p}/ffn/inner/bias`,
    outerKernel: `${p}/ffn/outer/kernel`,
    outerBias: `${p}/ffn/outer/bias`,
  };
}

/** Names of the weights outside the blocks. */
export const WEIGHT = {
  itemEmbedding: 'item_embedding',
  inputProjection: 'input_projection/kernel',
  positionEmbedding: 'position_embedding',
  finalGamma: 'final_norm/gamma',
  finalBeta: 'final_norm/beta',
  headKernel: 'head/kernel',
  headBias: 'head/bias',
  outputItemEmbedding: 'output_item_embedding',
} as const;

/** Names of the item tables, which the teacher freezes at first. */
export const ITEM_TABLE_NAMES: readonly string[] = [
  WEIGHT.itemEmbedding,
  WEIGHT.outputItemEmbedding,
];

/** Shape of every weight of a config, in a fixed order. */
export function weightShapes(config: ModelConfig): Map<string, number[]> {
  const d = config.hiddenSize;
  const e = config.embeddingSize;
  const rows = config.numItems + 1;
  const shapes = new Map<string, number[]>();
  shapes.set(WEIGHT.itemEmbedding, [rows, e]);
  if (hasInputProjection(config)) shapes.set(WEIGHT.inputProjection, [e, d]);
  shapes.set(WEIGHT.positionEmbedding, [config.maxLength, d]);
  for (let i = 0; i < config.blocks; i++) addBlockShapes(shapes, i, config);
  shapes.set(WEIGHT.finalGamma, [d]);
  shapes.set(WEIGHT.finalBeta, [d]);
  if (config.head === 'embedding') {
    shapes.set(WEIGHT.headKernel, [d, e]);
    shapes.set(WEIGHT.headBias, [e]);
    shapes.set(WEIGHT.outputItemEmbedding, [rows, e]);
  }
  for (const [name, shape] of textWeightShapes(config)) shapes.set(name, shape);
  return shapes;
}

function addBlockShapes(
  shapes: Map<string, number[]>,
  i: number,
  config: ModelConfig,
): void {
  const d = config.hiddenSize;
  const inner = ffnSize(config);
  const n = blockWeightNames(i);
  for (const name of [n.attentionGamma, n.attentionBeta]) shapes.set(name, [d]);
  for (const kind of ['query', 'key', 'value', 'output'] as const) {
    shapes.set(n[`${kind}Kernel`], [d, d]);
    shapes.set(n[`${kind}Bias`], [d]);
  }
  for (const name of [n.ffnGamma, n.ffnBeta]) shapes.set(name, [d]);
  shapes.set(n.innerKernel, [d, inner]);
  shapes.set(n.innerBias, [inner]);
  shapes.set(n.outerKernel, [inner, d]);
  shapes.set(n.outerBias, [d]);
}

/**
 * Draws initial values for every weight from `seed`: Glorot-normal
 * matrices and embeddings, LayerNorm gains of 1, and zero biases, offsets
 * and item text tables. The padding row 0 of each item table starts at
 * zero. Values come from the project's own generator, so the same seed
 * gives the same weights on every backend.
 */
export function initialValues(
  config: ModelConfig,
  seed: number,
): Map<string, Float32Array> {
  const prng = new Prng(seed);
  const values = new Map<string, Float32Array>();
  for (const [name, shape] of weightShapes(config)) {
    values.set(name, initialValue(name, shape, prng));
  }
  return values;
}

function initialValue(name: string, shape: number[], prng: Prng): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  if (name.endsWith('/gamma')) return values.fill(1);
  // Text tables start at zero so that adding text keeps the scores.
  if (shape.length === 1 || name.startsWith('text/')) return values;
  const std = Math.sqrt(2 / (shape[0] + shape[1]));
  fillNormal(values, std, prng);
  if (ITEM_TABLE_NAMES.includes(name)) values.fill(0, 0, shape[1]);
  return values;
}

/** Fills `values` with normal draws of standard deviation `std`. */
export function fillNormal(
  values: Float32Array,
  std: number,
  prng: Prng,
): void {
  // Box-Muller: two uniforms give two independent normals.
  for (let i = 0; i < values.length; i += 2) {
    const u = 1 - prng.nextFloat();
    const v = prng.nextFloat();
    const radius = std * Math.sqrt(-2 * Math.log(u));
    values[i] = radius * Math.cos(2 * Math.PI * v);
    if (i + 1 < values.length)
      values[i + 1] = radius * Math.sin(2 * Math.PI * v);
  }
}

/** Builds trainable variables from values, checking each shape. */
export function createVariables(
  config: ModelConfig,
  values: Map<string, Float32Array>,
): Map<string, tf.Variable> {
  const variables = new Map<string, tf.Variable>();
  for (const [name, shape] of weightShapes(config)) {
    const value = values.get(name);
    if (!value) {
      throw new Error(`Weight \`${name}\` is missing from the model values.`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (value.length !== size) {
      throw new Error(
        `Weight \`${name}\` has ${value.length} values, expected ${size} ` +
          `for shape [${shape.join(', ')}].`,
      );
    }
    const initial = tf.tensor(value, shape);
    variables.set(name, tf.variable(initial, true, uniqueName(name)));
    // The variable shares the tensor's data, which stays alive until both
    // are disposed, so dropping the tensor handle here frees nothing early.
    initial.dispose();
  }
  return variables;
}

let variableCounter = 0;

// tfjs variable names must be unique per engine, and several models live
// in one process (teacher and student), so a counter suffixes each name.
function uniqueName(name: string): string {
  variableCounter += 1;
  return `${name}#${variableCounter}`;
}
