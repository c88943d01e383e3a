/**
 * The sequential recommender used for the student, the teacher and the
 * distilled student: SASRec (Kang and McAuley, ICDM 2018) on tfjs-core,
 * with an optional embedding head for the teacher.
 *
 * Blocks are pre-LN: x + Attention(LN(x)), then x + FFN(LN(x)). The
 * official SASRec code adds the residual to the normalised query instead
 * of to x. Adding it to x makes a block whose residual branches output
 * zero an exact identity, and function-preserving growth relies on that.
 */
import { tf } from '../engine/index.js';
import type { Recommender } from './recommender.js';
import { attentionMask, lastPosition, selfAttention } from './attention.js';
import {
  configProblems,
  describeConfig,
  hasInputProjection,
  type ModelConfig,
} from './config.js';
import { activate, dense, dropout, layerNorm } from './layers.js';
import type { Prng } from './prng.js';
import { addRows } from './broadcast-rows.js';
import { gatherRows } from './gather-rows.js';
import { itemTextTable, TEXT, textConstantShapes } from './item-text.js';
import { padHistories } from './sequences.js';
import {
  blockWeightNames,
  createVariables,
  initialValues,
  WEIGHT,
} from './weights.js';

/** Histories scored per forward pass in `scoreAll`. */
const SCORE_BATCH_SIZE = 256;

/** A SASRec-style model: its config and its trainable variables. */
export class SequentialModel implements Recommender {
  readonly config: ModelConfig;
  readonly variables: Map<string, tf.Variable>;
  /** Fixed per-item inputs, such as title token ids. */
  readonly constants: Map<string, tf.Tensor>;

  /**
   * Builds a model from a config and a value for every weight and
   * constant.
   */
  constructor(config: ModelConfig, values: Map<string, Float32Array>) {
    const problems = configProblems(config);
    if (problems.length > 0) {
      throw new Error(`Invalid model config: ${problems.join(' ')}`);
    }
    this.config = config;
    this.variables = createVariables(config, values);
    this.constants = createConstants(config, values);
  }

  /** Builds a model with weights drawn from `seed`. */
  static create(config: ModelConfig, seed: number): SequentialModel {
    return new SequentialModel(config, initialValues(config, seed));
  }

  get description(): string {
    return describeConfig(this.config);
  }

  get numItems(): number {
    return this.config.numItems;
  }

  get maxLength(): number {
    return this.config.maxLength;
  }

  /** Returns the variable named `name`; throws when there is none. */
  weight(name: string): tf.Variable {
    const variable = this.variables.get(name);
    if (!variable) {
      throw new Error(
        `Internal error: weight \`${name}\` does not exist in ` +
          `${this.description}.`,
      );
    }
    return variable;
  }

  /**
   * Encodes item ids `[batch, seqLen]` (left-padded with 0) into hidden
   * states `[batch, seqLen, hiddenSize]`. Padding positions come out as
   * the final LayerNorm's offset and must be ignored by callers. Passing
   * `random` turns dropout on, with masks drawn from it.
   */
  encode(inputs: tf.Tensor2D, random?: Prng): tf.Tensor3D {
    return this.encodeBlocks(inputs, random, false);
  }

  /**
   * Encodes like `encode` without dropout and returns only the state at
   * the last position, `[batch, 1, hiddenSize]`. The last block computes
   * that one row, which makes scoring faster.
   */
  encodeLast(inputs: tf.Tensor2D): tf.Tensor3D {
    return this.encodeBlocks(inputs, undefined, true);
  }

  private encodeBlocks(
    inputs: tf.Tensor2D,
    random: Prng | undefined,
    lastOnly: boolean,
  ): tf.Tensor3D {
    const { config } = this;
    const [batch, seqLen] = inputs.shape;
    const ids = inputs.dataSync() as Int32Array;
    // [batch, seqLen, 1]: 1 at items, 0 at padding.
    const isItem = tf.tensor3d(
      Float32Array.from(ids, (id) => (id === 0 ? 0 : 1)),
      [batch, seqLen, 1],
    );
    const mask = attentionMask(ids, batch, seqLen);

    let x = this.embed(inputs);
    x = tf.mul(dropout(x, config.dropout, random), isItem);
    for (let i = 0; i < config.blocks; i++) {
      const last = lastOnly && i === config.blocks - 1;
      x = tf.mul(
        this.block(i, x, mask, random, last),
        last ? lastPosition(isItem) : isItem,
      );
    }
    return layerNorm(
      x,
      this.weight(WEIGHT.finalGamma),
      this.weight(WEIGHT.finalBeta),
    ) as tf.Tensor3D;
  }

  /**
   * Maps hidden states `[..., hiddenSize]` into the item-embedding space
   * `[..., embeddingSize]`: the identity for a tied head, the dense
   * projection for an embedding head.
   */
  toItemSpace(hidden: tf.Tensor): tf.Tensor {
    if (this.config.head === 'tied') return hidden;
    return dense(
      hidden,
      this.weight(WEIGHT.headKernel),
      this.weight(WEIGHT.headBias),
    );
  }

  /**
   * Item table that scores are dot products with, `[numItems + 1, e]`,
   * with the item text embedding added when the model has text.
   */
  outputTable(): tf.Tensor2D {
    const name =
      this.config.head === 'tied'
        ? WEIGHT.itemEmbedding
        : WEIGHT.outputItemEmbedding;
    return this.withText(this.weight(name) as tf.Tensor as tf.Tensor2D);
  }

  /** Returns the constant named `name`; throws when there is none. */
  constant(name: string): tf.Tensor {
    const constant = this.constants.get(name);
    if (!constant) {
      throw new Error(`Internal error: constant \`${name}\` does not exist.`);
    }
    return constant;
  }

  /**
   * Scores every item after each history: `[histories.length, numItems +
   * 1]`, with column 0 (padding) set to -Infinity. The caller disposes it.
   */
  scoreAll(histories: number[][]): tf.Tensor2D {
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < histories.length; start += SCORE_BATCH_SIZE) {
      const slice = histories.slice(start, start + SCORE_BATCH_SIZE);
      parts.push(tf.tidy(() => this.scoreBatch(slice)));
    }
    if (parts.length === 1) return parts[0];
    const all = tf.concat(parts, 0);
    tf.dispose(parts);
    return all;
  }

  /** Frees every variable and constant. */
  dispose(): void {
    for (const variable of this.variables.values()) variable.dispose();
    for (const constant of this.constants.values()) constant.dispose();
  }

  private scoreBatch(histories: number[][]): tf.Tensor2D {
    const padded = padHistories(histories, this.config.maxLength);
    const inputs = tf.tensor2d(
      padded,
      [histories.length, this.maxLength],
      'int32',
    );
    // [batch, e]: the state at the last position predicts the next item.
    const last = tf.reshape(this.encodeLast(inputs), [histories.length, -1]);
    const scores = tf.matMul(
      this.toItemSpace(last) as tf.Tensor2D,
      this.outputTable(),
      false,
      true,
    );
    const padding = tf.fill([histories.length, 1], -Infinity);
    return tf.concat(
      [padding, tf.slice(scores, [0, 1], [-1, -1])],
      1,
    ) as tf.Tensor2D;
  }

  // Item embedding scaled by sqrt(embeddingSize) as in the reference code,
  // projected to the hidden size when the widths differ, plus positions.
  private embed(inputs: tf.Tensor2D): tf.Tensor {
    const { config } = this;
    const [batch, seqLen] = inputs.shape;
    const table = this.withText(
      this.weight(WEIGHT.itemEmbedding) as tf.Tensor as tf.Tensor2D,
    );
    const rows = gatherRows(table, tf.reshape(inputs, [-1]) as tf.Tensor1D);
    // [batch, seqLen, e]
    let x = tf.mul(
      tf.reshape(rows, [batch, seqLen, config.embeddingSize]),
      Math.sqrt(config.embeddingSize),
    );
    if (hasInputProjection(config)) {
      x = dense(x, this.weight(WEIGHT.inputProjection));
    }
    const positions = tf.slice(
      this.weight(WEIGHT.positionEmbedding),
      [config.maxLength - seqLen, 0],
      [seqLen, -1],
    );
    return addRows(x, positions);
  }

  private withText(table: tf.Tensor2D): tf.Tensor2D {
    const text = itemTextTable(
      this.config,
      (name) => this.weight(name),
      (name) => this.constant(name),
    );
    return text ? tf.add(table, text) : table;
  }

  // With `lastOnly`, returns only the last position, `[batch, 1, d]`.
  private block(
    i: number,
    x: tf.Tensor,
    mask: tf.Tensor4D,
    random: Prng | undefined,
    lastOnly = false,
  ): tf.Tensor {
    const { config } = this;
    const n = blockWeightNames(i);
    const w = (name: string) => this.weight(name);

    const attended = selfAttention(
      layerNorm(x, w(n.attentionGamma), w(n.attentionBeta)),
      {
        queryKernel: w(n.queryKernel),
        queryBias: w(n.queryBias),
        keyKernel: w(n.keyKernel),
        keyBias: w(n.keyBias),
        valueKernel: w(n.valueKernel),
        valueBias: w(n.valueBias),
        outputKernel: w(n.outputKernel),
        outputBias: w(n.outputBias),
      },
      mask,
      config.heads,
      config.dropout,
      random,
      lastOnly,
    );
    // Attention reads every position. The rest of the block works per
    // position, so it can start from the last one alone.
    if (lastOnly) x = lastPosition(x);
    x = tf.add(x, dropout(attended, config.dropout, random));

    const normalised = layerNorm(x, w(n.ffnGamma), w(n.ffnBeta));
    const inner = dropout(
      activate(
        dense(normalised, w(n.innerKernel), w(n.innerBias)),
        config.activation,
      ),
      config.dropout,
      random,
    );
    const outer = dense(inner, w(n.outerKernel), w(n.outerBias));
    return tf.add(x, dropout(outer, config.dropout, random));
  }
}

// Constants keep their values outside autograd; title token ids become
// int32 because they index the token table.
function createConstants(
  config: ModelConfig,
  values: Map<string, Float32Array>,
): Map<string, tf.Tensor> {
  const constants = new Map<string, tf.Tensor>();
  for (const [name, shape] of textConstantShapes(config)) {
    const value = values.get(name);
    if (!value) {
      throw new Error(
        `Model constant \`${name}\` is missing from the model values.`,
      );
    }
    const dtype = name === TEXT.titleTokens ? 'int32' : 'float32';
    const tensor =
      dtype === 'int32'
        ? tf.tensor(Int32Array.from(value), shape, 'int32')
        : tf.tensor(value, shape);
    constants.set(name, tensor);
  }
  return constants;
}
