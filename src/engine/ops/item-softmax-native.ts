/**
 * The chunked item softmax cross-entropy on plain arrays with native BLAS,
 * used by `softmaxCrossEntropyOverItems` on the `cpu` backend. Each chunk's
 * logits live in one reused buffer, and the max, exponent and sum run in a
 * single pass per row instead of one tensor op (and allocation) each.
 */
import type { Blas } from '../blas/load-blas.js';
import { fastExp } from '../kernels/fast-exp.js';

/** Operands of the loss as row-major arrays. */
export interface ItemSoftmaxArrays {
  /** `[rows, dim]` hidden states. */
  hidden: Float32Array;
  /** `[items, dim]` item table. */
  table: Float32Array;
  /** `[rows]` target item of each row. */
  targets: Int32Array;
  rows: number;
  items: number;
  dim: number;
}

function chunkLogits(
  blas: Blas, a: ItemSoftmaxArrays, start: number, size: number,
  logits: Float32Array,
): void {
  blas.sgemm(false, true, size, a.items, a.dim, 1,
    a.hidden.subarray(start * a.dim), a.dim, a.table, a.dim, 0, logits,
    a.items);
}

/**
 * Returns the summed loss over rows and each row's log-sum-exp, which the
 * backward pass reuses.
 */
export function itemSoftmaxForward(
  blas: Blas, a: ItemSoftmaxArrays, chunkRows: number,
): { lossSum: number; logSumExp: Float32Array } {
  const logSumExp = new Float32Array(a.rows);
  const logits = new Float32Array(Math.min(chunkRows, a.rows) * a.items);
  let lossSum = 0;
  for (let start = 0; start < a.rows; start += chunkRows) {
    const size = Math.min(chunkRows, a.rows - start);
    chunkLogits(blas, a, start, size, logits);
    for (let r = 0; r < size; r++) {
      const base = r * a.items;
      let max = -Infinity;
      for (let j = 0; j < a.items; j++) {
        if (logits[base + j]! > max) max = logits[base + j]!;
      }
      let sum = 0;
      for (let j = 0; j < a.items; j++) sum += fastExp(logits[base + j]! - max);
      const lse = max + Math.log(sum);
      logSumExp[start + r] = lse;
      lossSum += lse - logits[base + a.targets[start + r]!]!;
    }
  }

  return { lossSum, logSumExp };
}

/**
 * Returns the gradients of `scale * lossSum` with respect to the hidden
 * states (`[rows, dim]`) and the table (`[items, dim]`).
 */
export function itemSoftmaxBackward(
  blas: Blas, a: ItemSoftmaxArrays, logSumExp: Float32Array, scale: number,
  chunkRows: number,
): { hiddenGrad: Float32Array; tableGrad: Float32Array } {
  const hiddenGrad = new Float32Array(a.rows * a.dim);
  const tableGrad = new Float32Array(a.items * a.dim);
  const logits = new Float32Array(Math.min(chunkRows, a.rows) * a.items);
  for (let start = 0; start < a.rows; start += chunkRows) {
    const size = Math.min(chunkRows, a.rows - start);
    chunkLogits(blas, a, start, size, logits);
    // d loss / d logits = scale * (softmax - onehot), written in place.
    for (let r = 0; r < size; r++) {
      const base = r * a.items;
      const lse = logSumExp[start + r]!;
      for (let j = 0; j < a.items; j++) {
        logits[base + j] = scale * fastExp(logits[base + j]! - lse);
      }
      logits[base + a.targets[start + r]!]! -= scale;
    }
    blas.sgemm(false, false, size, a.dim, a.items, 1, logits, a.items,
      a.table, a.dim, 0, hiddenGrad.subarray(start * a.dim), a.dim);
    blas.sgemm(true, false, a.items, a.dim, size, 1, logits, a.items,
      a.hidden.subarray(start * a.dim), a.dim, 1, tableGrad, a.dim);
  }

  return { hiddenGrad, tableGrad };
}
