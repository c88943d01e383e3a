/**
 * A self-contained SASRec (pre-norm self-attention over the item sequence)
 * written with public TensorFlow.js ops, mirrored op for op by
 * bench/reference/sasrec.py so both can start from the same weights.
 */
import {
  dropout as engineDropout, softmaxCrossEntropyOverItems, tf,
} from '../../src/engine/index.js';
import { seededRandom } from './movielens.js';

/** Architecture of the benchmark model. */
export interface SasrecConfig {
  numItems: number;
  maxLength: number;
  /** Width of the item table. */
  embeddingSize: number;
  /** Width of the hidden state; differs from `embeddingSize` for the teacher. */
  hiddenSize: number;
  blocks: number;
  heads: number;
  dropout: number;
}

/** Named weights in a fixed order; the order is the export order. */
export type Weights = Map<string, tf.Variable>;

/** Returns every weight name and shape of `config`, in export order. */
export function weightShapes(config: SasrecConfig): [string, number[]][] {
  const { numItems, maxLength, embeddingSize: e, hiddenSize: d } = config;
  const shapes: [string, number[]][] = [
    ['item_embedding', [numItems + 1, e]],
    ['position_embedding', [maxLength, d]],
  ];
  if (e !== d) shapes.push(['input_projection', [e, d]]);
  for (let i = 0; i < config.blocks; i++) {
    const p = `block_${i}/`;
    shapes.push(
      [`${p}ln1_gamma`, [d]], [`${p}ln1_beta`, [d]],
      [`${p}wq`, [d, d]], [`${p}bq`, [d]],
      [`${p}wk`, [d, d]], [`${p}bk`, [d]],
      [`${p}wv`, [d, d]], [`${p}bv`, [d]],
      [`${p}wo`, [d, d]], [`${p}bo`, [d]],
      [`${p}ln2_gamma`, [d]], [`${p}ln2_beta`, [d]],
      [`${p}w1`, [d, d]], [`${p}b1`, [d]],
      [`${p}w2`, [d, d]], [`${p}b2`, [d]],
    );
  }
  shapes.push(['final_gamma', [d]], ['final_beta', [d]]);
  if (e !== d) shapes.push(['head', [d, e]]);
  return shapes;
}

/**
 * Creates seeded weights: Xavier-uniform kernels and embeddings, zero
 * biases, unit gammas. Row 0 of the item table (padding) is zero.
 */
export function initWeights(config: SasrecConfig, seed: number): Weights {
  const random = seededRandom(seed);
  const weights: Weights = new Map();
  for (const [name, shape] of weightShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (name.endsWith('gamma')) values.fill(1);
    else if (shape.length === 2) {
      const limit = Math.sqrt(6 / (shape[0]! + shape[1]!));
      for (let i = 0; i < size; i++) values[i] = (random() * 2 - 1) * limit;
    }
    if (name === 'item_embedding') values.fill(0, 0, shape[1]);
    weights.set(name, tf.variable(tf.tensor(values, shape), true, name));
  }

  return weights;
}

function w(weights: Weights, name: string): tf.Variable {
  const weight = weights.get(name);
  if (!weight) throw new Error(`Internal error: weight \`${name}\` missing`);
  return weight;
}

// x: [rows, in] -> [rows, out]
function dense(x: tf.Tensor2D, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor2D {
  const y = tf.matMul(x, kernel as tf.Tensor2D);
  return bias ? (tf.add(y, bias) as tf.Tensor2D) : (y as tf.Tensor2D);
}

function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-8)));
  return tf.add(tf.mul(normalized, gamma), beta);
}

function dropout(x: tf.Tensor, rate: number, training: boolean): tf.Tensor {
  return training && rate > 0 ? engineDropout(x, rate) : x;
}

// [B*L, d] -> [B, h, L, dk]; a plain reshape when there is one head.
function splitHeads(x: tf.Tensor2D, batch: number, config: SasrecConfig, length: number): tf.Tensor4D {
  const { heads, hiddenSize } = config;
  const dk = hiddenSize / heads;
  const shaped = tf.reshape(x, [batch, length, heads, dk]);
  if (heads === 1) return tf.reshape(shaped, [batch, 1, length, dk]);
  return tf.transpose(shaped, [0, 2, 1, 3]) as tf.Tensor4D;
}

function mergeHeads(x: tf.Tensor4D, batch: number, config: SasrecConfig, length: number): tf.Tensor2D {
  const merged = config.heads === 1 ? x : tf.transpose(x, [0, 2, 1, 3]);
  return tf.reshape(merged, [batch * length, config.hiddenSize]);
}

/** Additive causal mask `[L, L]`: 0 on and below the diagonal, -1e9 above. */
export function causalMask(length: number): tf.Tensor2D {
  const values = new Float32Array(length * length);
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j < length; j++) values[i * length + j] = -1e9;
  }
  return tf.tensor2d(values, [length, length]);
}

function attention(
  weights: Weights, config: SasrecConfig, block: number,
  x: tf.Tensor2D, normed: tf.Tensor2D, mask: tf.Tensor2D,
  batch: number, training: boolean,
): tf.Tensor2D {
  const p = `block_${block}/`;
  const length = config.maxLength;
  const q = splitHeads(dense(normed, w(weights, `${p}wq`), w(weights, `${p}bq`)), batch, config, length);
  const k = splitHeads(dense(x, w(weights, `${p}wk`), w(weights, `${p}bk`)), batch, config, length);
  const v = splitHeads(dense(x, w(weights, `${p}wv`), w(weights, `${p}bv`)), batch, config, length);
  const scale = 1 / Math.sqrt(config.hiddenSize / config.heads);
  // scores: [B, h, L, L]
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), scale), mask);
  const probabilities = dropout(tf.softmax(scores), config.dropout, training);
  const context = tf.matMul(probabilities as tf.Tensor4D, v);
  const merged = mergeHeads(context as tf.Tensor4D, batch, config, length);
  return dense(merged, w(weights, `${p}wo`), w(weights, `${p}bo`));
}

function feedForward(weights: Weights, config: SasrecConfig, block: number, x: tf.Tensor2D, training: boolean): tf.Tensor2D {
  const p = `block_${block}/`;
  const inner = dropout(dense(x, w(weights, `${p}w1`), w(weights, `${p}b1`)), config.dropout, training);
  const outer = dense(tf.relu(inner) as tf.Tensor2D, w(weights, `${p}w2`), w(weights, `${p}b2`));
  return dropout(outer, config.dropout, training) as tf.Tensor2D;
}

/**
 * Encodes left-padded sequences `[B, L]` (int32, 0 = padding) into final
 * hidden states `[B * L, d]`, projected to the item width when the model
 * has an embedding head.
 */
export function encode(
  weights: Weights, config: SasrecConfig, sequences: tf.Tensor2D,
  mask: tf.Tensor2D, training: boolean,
): tf.Tensor2D {
  const batch = sequences.shape[0];
  const length = config.maxLength;
  const rows = batch * length;
  const e = config.embeddingSize;
  // keep: [B*L, 1], 1 where the input position holds an item.
  const keep = tf.reshape(tf.cast(tf.notEqual(sequences, 0), 'float32'), [rows, 1]);
  const embedded = tf.gather(w(weights, 'item_embedding'), tf.reshape(sequences, [rows]));
  let x = tf.mul(embedded, Math.sqrt(e)) as tf.Tensor2D;
  if (weights.has('input_projection')) x = dense(x, w(weights, 'input_projection'));
  const positions = tf.tile(w(weights, 'position_embedding'), [batch, 1]);
  x = tf.mul(dropout(tf.add(x, positions), config.dropout, training), keep) as tf.Tensor2D;

  for (let i = 0; i < config.blocks; i++) {
    const p = `block_${i}/`;
    const normed = layerNorm(x, w(weights, `${p}ln1_gamma`), w(weights, `${p}ln1_beta`));
    const attended = attention(weights, config, i, x, normed, mask, batch, training);
    const residual = tf.add(normed, attended) as tf.Tensor2D;
    const normed2 = layerNorm(residual, w(weights, `${p}ln2_gamma`), w(weights, `${p}ln2_beta`));
    const ffn = feedForward(weights, config, i, normed2, training);
    x = tf.mul(tf.add(normed2, ffn), keep) as tf.Tensor2D;
  }

  const final = layerNorm(x, w(weights, 'final_gamma'), w(weights, 'final_beta'));
  return weights.has('head') ? dense(final, w(weights, 'head')) : final;
}

/** One training batch as plain arrays: inputs, targets, valid rows. */
export interface Batch {
  /** `[B * L]` left-padded input items. */
  inputs: Int32Array;
  batch: number;
  /** Flat indices (into B * L) of positions with a target item. */
  validRows: Int32Array;
  /** Target item of each valid row, minus 1 (the padding row is skipped). */
  targets: Int32Array;
}

/** Builds the batch of `users` from their training histories. */
export function makeBatch(train: number[][], users: number[], maxLength: number): Batch {
  const inputs = new Int32Array(users.length * maxLength);
  const validRows: number[] = [];
  const targets: number[] = [];
  users.forEach((user, b) => {
    const history = train[user]!;
    // Inputs are history[0..n-2], targets history[1..n-1], latest last.
    const count = Math.min(history.length - 1, maxLength);
    const start = history.length - 1 - count;
    const offset = b * maxLength + maxLength - count;
    for (let t = 0; t < count; t++) {
      inputs[offset + t] = history[start + t]!;
      validRows.push(offset + t);
      targets.push(history[start + t + 1]! - 1);
    }
  });

  return {
    inputs,
    batch: users.length,
    validRows: Int32Array.from(validRows),
    targets: Int32Array.from(targets),
  };
}

/** Mean cross-entropy of the next item over all items, for one batch. */
export function batchLoss(weights: Weights, config: SasrecConfig, batch: Batch, mask: tf.Tensor2D, training: boolean): tf.Scalar {
  const sequences = tf.tensor2d(batch.inputs, [batch.batch, config.maxLength], 'int32');
  const hidden = encode(weights, config, sequences, mask, training);
  const rows = tf.gather(hidden, tf.tensor1d(batch.validRows, 'int32'));
  const table = w(weights, 'item_embedding');
  const items = tf.slice(table, [1, 0], [config.numItems, -1]) as tf.Tensor2D;
  return softmaxCrossEntropyOverItems(rows, items, tf.tensor1d(batch.targets, 'int32'));
}

/** Scores of every item after each history: `[histories, numItems + 1]`. */
export function scoreAll(weights: Weights, config: SasrecConfig, histories: number[][], mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const { maxLength } = config;
    const inputs = new Int32Array(histories.length * maxLength);
    histories.forEach((history, b) => {
      const kept = history.slice(-maxLength);
      inputs.set(kept, b * maxLength + maxLength - kept.length);
    });
    const sequences = tf.tensor2d(inputs, [histories.length, maxLength], 'int32');
    const hidden = encode(weights, config, sequences, mask, false);
    const last = tf.range(maxLength - 1, histories.length * maxLength, maxLength, 'int32');
    const finalStates = tf.gather(hidden, last);
    return tf.matMul(finalStates, w(weights, 'item_embedding'), false, true);
  });
}
