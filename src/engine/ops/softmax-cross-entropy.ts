/**
 * Mean softmax cross-entropy of hidden states scored against a whole item
 * table, computed in row chunks so the `[rows, items]` logits never exist
 * at once. The backward pass recomputes each chunk's logits from the saved
 * log-sum-exp instead of keeping them, trading one extra matrix product
 * per chunk for memory that stays bounded by `chunkRows * items`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Blas } from '../blas/load-blas.js';
import { floatData } from '../kernels/register-wasm.js';
import { itemDistillLoss } from './item-distill-native.js';
import {
  itemSoftmaxBackward,
  itemSoftmaxForward,
  type ItemSoftmaxArrays,
} from './item-softmax-native.js';

/** Options of `softmaxCrossEntropyOverItems`. */
export interface ItemSoftmaxOptions {
  /**
   * Rows per chunk. Peak extra memory is about three `[chunkRows, items]`
   * float32 arrays. Default 2048.
   */
  chunkRows?: number;
}

const DEFAULT_CHUNK_ROWS = 2048;

let nativeBlas: Blas | undefined;

/**
 * Sets the BLAS library for the native path on the `cpu` and `wasm`
 * backends, or clears it. `initEngine` calls this; other backends use
 * tensor ops.
 */
export function setItemSoftmaxBlas(blas: Blas | undefined): void {
  nativeBlas = blas;
}

/**
 * Returns the mean over rows of `-log softmax(hidden · tableᵀ)[target]`.
 * `hidden` is `[rows, dim]`, `table` is `[items, dim]` and `targets` is an
 * int32 `[rows]` of row indices into `table`. Gradients flow to `hidden`
 * and `table`.
 */
export function softmaxCrossEntropyOverItems(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  targets: tf.Tensor1D,
  options: ItemSoftmaxOptions = {},
): tf.Scalar {
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  checkShapes(hidden, table, targets, chunkRows);
  const rows = hidden.shape[0];
  const items = table.shape[0];
  checkTargets(targets, items);
  const backend = tf.getBackend();
  const native = nativeBlas && (backend === 'cpu' || backend === 'wasm') &&
    hidden.dtype === 'float32' && table.dtype === 'float32';
  if (native) {
    return nativeLoss(nativeBlas!, hidden, table, targets, chunkRows);
  }

  const loss = tf.customGrad((h, e, save) => {
    const hiddenInput = h as tf.Tensor2D;
    const tableInput = e as tf.Tensor2D;
    const { logSumExp, lossSum } = forwardChunks(
      hiddenInput, tableInput, targets, chunkRows,
    );
    (save as (tensors: tf.Tensor[]) => void)([
      hiddenInput, tableInput, logSumExp, targets,
    ]);
    const value = tf.div(lossSum, Math.max(rows, 1)) as tf.Scalar;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      // `targets` is read from `saved` because tensors made inside the
      // loss function are disposed before the backward pass runs.
      const [savedHidden, savedTable, savedLse, savedTargets] = saved as [
        tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D,
      ];
      const scale = tf.div(dy, Math.max(rows, 1)) as tf.Scalar;
      const grads = backwardChunks(
        savedHidden, savedTable, savedTargets, savedLse, scale, chunkRows,
        items,
      );
      scale.dispose();
      return grads;
    };
    return { value, gradFunc };
  });

  return loss(hidden, table) as tf.Scalar;
}

/** A fixed reference model for `fusedItemSoftmaxLoss`. */
export interface FusedLossReference {
  /** `[rows, refDim]` reference states at the same rows. */
  hidden: tf.Tensor2D;
  /** `[items, refDim]` reference item table. */
  table: tf.Tensor2D;
  /** Weight of the `T^2 * KL(p_ref,T || p_T)` term. */
  weight: number;
  /** Softmax temperature T of both distributions. */
  temperature: number;
}

/** Options of `fusedItemSoftmaxLoss`. */
export interface FusedLossOptions {
  /** Weight of the cross-entropy term. */
  crossEntropyWeight: number;
  /** KL term to a fixed model; none when absent. */
  reference?: FusedLossReference;
  /** Rows per chunk; three `[chunkRows, items]` buffers at most. */
  chunkRows: number;
}

/**
 * Returns whether `fusedItemSoftmaxLoss` can run: a native BLAS is loaded
 * and the active backend keeps tensors in memory the op can read.
 */
export function fusedItemSoftmaxAvailable(): boolean {
  const backend = tf.getBackend();
  return nativeBlas !== undefined && (backend === 'cpu' || backend === 'wasm');
}

/**
 * Returns the mean over rows of `w_ce * CE(target, softmax(z)) + w_kl *
 * T^2 * KL(softmax(y/T) || softmax(z/T))`, where `z = hidden · tableᵀ`
 * and `y` are the reference's logits, on native BLAS. The gradients for
 * `hidden` and `table` are computed with the loss, chunk by chunk, so the
 * backward pass only scales them. `targets` are 0-based rows of `table`.
 * Throws when `fusedItemSoftmaxAvailable()` is false.
 */
export function fusedItemSoftmaxLoss(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  targets: tf.Tensor1D,
  options: FusedLossOptions,
): tf.Scalar {
  if (!fusedItemSoftmaxAvailable()) {
    throw new Error(
      'fusedItemSoftmaxLoss needs native BLAS on the cpu or wasm backend; ' +
        'check fusedItemSoftmaxAvailable() first',
    );
  }
  checkShapes(hidden, table, targets, options.chunkRows);
  const [rows, dim] = hidden.shape;
  const items = table.shape[0];
  checkTargets(targets, items);
  const reference = options.reference;
  if (reference) checkReference(reference, rows, items);
  const blas = nativeBlas!;

  // On wasm, BLAS reads the operands in the wasm heap without copies.
  // The loss allocates no tensors until it returns, so the views stay
  // valid.
  const loss = tf.customGrad((h, e) => {
    const result = itemDistillLoss(blas, {
      hidden: floatData(h as tf.Tensor),
      table: floatData(e as tf.Tensor),
      targets: targets.dataSync() as Int32Array,
      rows, items, dim,
      crossEntropyWeight: options.crossEntropyWeight,
      reference: reference && {
        hidden: floatData(reference.hidden),
        table: floatData(reference.table),
        refDim: reference.hidden.shape[1],
        weight: reference.weight,
        temperature: reference.temperature,
      },
    }, 1 / Math.max(rows, 1), options.chunkRows);
    const value = tf.scalar(result.lossSum / Math.max(rows, 1));
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const factor = dy.dataSync()[0]!;
      const scaled = (values: Float32Array) => {
        if (factor !== 1) for (let i = 0; i < values.length; i++) values[i]! *= factor;
        return values;
      };
      return [
        tf.tensor2d(scaled(result.hiddenGrad), [rows, dim]),
        tf.tensor2d(scaled(result.tableGrad), [items, dim]),
      ];
    };
    return { value, gradFunc };
  });

  return loss(hidden, table) as tf.Scalar;
}

function checkReference(
  reference: FusedLossReference,
  rows: number,
  items: number,
): void {
  const { hidden, table, temperature } = reference;
  if (
    hidden.rank !== 2 || table.rank !== 2 || hidden.shape[0] !== rows ||
    table.shape[0] !== items || hidden.shape[1] !== table.shape[1]
  ) {
    throw new Error(
      `fusedItemSoftmaxLoss expects reference hidden [${rows}, r] and ` +
        `table [${items}, r], received [${hidden.shape}] and [${table.shape}]`,
    );
  }
  if (!(temperature > 0)) {
    throw new Error(
      `fusedItemSoftmaxLoss temperature must be above 0, received ${temperature}`,
    );
  }
}

function nativeArrays(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  targets: tf.Tensor1D,
): ItemSoftmaxArrays {
  const [rows, dim] = hidden.shape;
  const items = table.shape[0];
  return {
    hidden: hidden.dataSync() as Float32Array,
    table: table.dataSync() as Float32Array,
    targets: targets.dataSync() as Int32Array,
    rows, items, dim,
  };
}

function nativeLoss(
  blas: Blas,
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  targets: tf.Tensor1D,
  chunkRows: number,
): tf.Scalar {
  const loss = tf.customGrad((h, e, save) => {
    const arrays = nativeArrays(h as tf.Tensor2D, e as tf.Tensor2D, targets);
    const forward = itemSoftmaxForward(blas, arrays, chunkRows);
    const value = tf.scalar(forward.lossSum / Math.max(arrays.rows, 1));
    (save as (tensors: tf.Tensor[]) => void)([h as tf.Tensor, e as tf.Tensor]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      // The arrays stay valid: the saved tensors keep their storage alive.
      void saved;
      const scale = dy.dataSync()[0]! / Math.max(arrays.rows, 1);
      const grads = itemSoftmaxBackward(
        blas, arrays, forward.logSumExp, scale, chunkRows,
      );
      return [
        tf.tensor2d(grads.hiddenGrad, [arrays.rows, arrays.dim]),
        tf.tensor2d(grads.tableGrad, [arrays.items, arrays.dim]),
      ];
    };
    return { value, gradFunc };
  });

  return loss(hidden, table) as tf.Scalar;
}

// An out-of-range target would read past a row on the native path and
// gather nothing on the tensor path, so both reject it up front.
function checkTargets(targets: tf.Tensor1D, items: number): void {
  for (const target of targets.dataSync()) {
    if (target < 0 || target >= items) {
      throw new Error(
        `softmaxCrossEntropyOverItems target ${target} is outside the ` +
          `table's ${items} rows; targets must index rows of \`table\``,
      );
    }
  }
}

function checkShapes(
  hidden: tf.Tensor,
  table: tf.Tensor,
  targets: tf.Tensor,
  chunkRows: number,
): void {
  const ok =
    hidden.rank === 2 &&
    table.rank === 2 &&
    targets.rank === 1 &&
    hidden.shape[1] === table.shape[1] &&
    targets.shape[0] === hidden.shape[0];
  if (!ok) {
    throw new Error(
      `softmaxCrossEntropyOverItems expects hidden [rows, dim], table ` +
        `[items, dim] and targets [rows], received [${hidden.shape}], ` +
        `[${table.shape}] and [${targets.shape}]`,
    );
  }
  if (targets.dtype !== 'int32') {
    throw new Error(
      `softmaxCrossEntropyOverItems targets must be int32, received ` +
        `${targets.dtype}; cast them with tf.cast(targets, 'int32')`,
    );
  }
  if (!(Number.isInteger(chunkRows) && chunkRows > 0)) {
    throw new Error(
      `\`chunkRows\` must be a positive integer, received ${chunkRows}`,
    );
  }
}

function chunkStarts(rows: number, chunkRows: number): number[] {
  const starts: number[] = [];
  for (let start = 0; start < rows; start += chunkRows) starts.push(start);
  return starts;
}

// Logits of one chunk: [size, items].
function chunkLogits(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  start: number,
  size: number,
): tf.Tensor2D {
  const rows = tf.slice(hidden, [start, 0], [size, -1]);
  return tf.matMul(rows, table, false, true);
}

// Flat indices of each row's target logit in a [size, items] chunk.
function targetPositions(
  targets: tf.Tensor1D,
  start: number,
  size: number,
  items: number,
): tf.Tensor1D {
  const rowOffsets = tf.mul(
    tf.range(0, size, 1, 'int32'),
    tf.scalar(items, 'int32'),
  );
  const chunkTargets = tf.slice(targets, [start], [size]);
  return tf.add(rowOffsets, chunkTargets) as tf.Tensor1D;
}

function forwardChunks(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  targets: tf.Tensor1D,
  chunkRows: number,
): { logSumExp: tf.Tensor1D; lossSum: tf.Scalar } {
  const rows = hidden.shape[0];
  const items = table.shape[0];
  const parts: tf.Tensor1D[] = [];
  let lossSum: tf.Scalar = tf.scalar(0);
  for (const start of chunkStarts(rows, chunkRows)) {
    const size = Math.min(chunkRows, rows - start);
    const [lse, chunkLoss] = tf.tidy(() => {
      const logits = chunkLogits(hidden, table, start, size);
      const chunkLse = tf.logSumExp(logits, 1) as tf.Tensor1D;
      const flat = tf.reshape(logits, [-1]);
      const picked = tf.gather(flat, targetPositions(targets, start, size, items));
      return [chunkLse, tf.sum(tf.sub(chunkLse, picked))] as const;
    });
    parts.push(lse);
    const next = tf.add(lossSum, chunkLoss) as tf.Scalar;
    lossSum.dispose();
    chunkLoss.dispose();
    lossSum = next;
  }

  if (parts.length === 0) return { logSumExp: tf.zeros([0]), lossSum };
  const logSumExp = parts.length === 1 ? parts[0]! : tf.concat(parts);
  if (parts.length > 1) tf.dispose(parts);
  return { logSumExp: logSumExp as tf.Tensor1D, lossSum };
}

function backwardChunks(
  hidden: tf.Tensor2D,
  table: tf.Tensor2D,
  targets: tf.Tensor1D,
  logSumExp: tf.Tensor1D,
  scale: tf.Scalar,
  chunkRows: number,
  items: number,
): [tf.Tensor2D, tf.Tensor2D] {
  const rows = hidden.shape[0];
  const hiddenParts: tf.Tensor2D[] = [];
  let tableGrad = tf.zerosLike(table) as tf.Tensor2D;
  for (const start of chunkStarts(rows, chunkRows)) {
    const size = Math.min(chunkRows, rows - start);
    const [dHidden, dTable] = tf.tidy(() => {
      const logits = chunkLogits(hidden, table, start, size);
      const lse = tf.reshape(tf.slice(logSumExp, [start], [size]), [size, 1]);
      const probabilities = tf.exp(tf.sub(logits, lse));
      const chunkTargets = tf.slice(targets, [start], [size]);
      const oneHot = tf.oneHot(chunkTargets, items, 1, 0, 'float32');
      // d loss / d logits = (softmax - onehot) * dy / rows.
      const dLogits = tf.mul(tf.sub(probabilities, oneHot), scale);
      const rowsOfHidden = tf.slice(hidden, [start, 0], [size, -1]);
      return [
        tf.matMul(dLogits, table) as tf.Tensor2D,
        tf.matMul(dLogits, rowsOfHidden, true, false) as tf.Tensor2D,
      ] as const;
    });
    hiddenParts.push(dHidden);
    const next = tf.add(tableGrad, dTable) as tf.Tensor2D;
    tableGrad.dispose();
    dTable.dispose();
    tableGrad = next;
  }

  if (hiddenParts.length === 0) return [tf.zerosLike(hidden), tableGrad];
  const hiddenGrad =
    hiddenParts.length === 1 ? hiddenParts[0]! : tf.concat(hiddenParts);
  if (hiddenParts.length > 1) tf.dispose(hiddenParts);
  return [hiddenGrad as tf.Tensor2D, tableGrad];
}
