/**
 * Batched matrix products on plain Float32Arrays through native BLAS, with
 * NumPy broadcasting over the leading (batch) dimensions. Backends wrap
 * this in their kernel functions.
 */
import type { Blas } from '../blas/load-blas.js';

/** Shapes and flags of one `BatchMatMul` call. */
export interface MatMulProblem {
  aShape: readonly number[];
  bShape: readonly number[];
  transposeA: boolean;
  transposeB: boolean;
}

/** Builds a `MatMulProblem` from a BatchMatMul kernel call's operands. */
export function matMulProblem(
  a: { shape: readonly number[] },
  b: { shape: readonly number[] },
  attrs: unknown,
): MatMulProblem {
  const { transposeA, transposeB } = attrs as {
    transposeA: boolean;
    transposeB: boolean;
  };
  return { aShape: a.shape, bShape: b.shape, transposeA, transposeB };
}

/** Derived sizes of a `MatMulProblem`. */
export interface MatMulPlan {
  /** Output shape: broadcast batch dimensions, then `[m, n]`. */
  outShape: number[];
  m: number;
  n: number;
  k: number;
  /** Broadcast batch dimensions of the output. */
  batchShape: number[];
  /** Element offset of each output batch's A and B matrices. */
  aOffsets: Int32Array;
  bOffsets: Int32Array;
}

/**
 * Validates shapes and plans the per-batch offsets. Throws when the inner
 * dimensions differ or the batch dimensions do not broadcast.
 */
export function planMatMul(problem: MatMulProblem): MatMulPlan {
  const { aShape, bShape, transposeA, transposeB } = problem;
  const aRank = aShape.length;
  const bRank = bShape.length;
  if (aRank < 2 || bRank < 2) {
    throw new Error(
      `matMul operands must have rank >= 2, received ` +
        `[${aShape.join(', ')}] and [${bShape.join(', ')}]`,
    );
  }

  const m = transposeA ? aShape[aRank - 1]! : aShape[aRank - 2]!;
  const kA = transposeA ? aShape[aRank - 2]! : aShape[aRank - 1]!;
  const kB = transposeB ? bShape[bRank - 1]! : bShape[bRank - 2]!;
  const n = transposeB ? bShape[bRank - 2]! : bShape[bRank - 1]!;
  if (kA !== kB) {
    throw new Error(
      `matMul inner dimensions must match, received ${kA} and ${kB} for ` +
        `shapes [${aShape.join(', ')}] and [${bShape.join(', ')}] ` +
        `(transposeA=${transposeA}, transposeB=${transposeB})`,
    );
  }

  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batchShape = broadcastShapes(aBatch, bBatch);
  const aOffsets = batchOffsets(aBatch, batchShape, m * kA);
  const bOffsets = batchOffsets(bBatch, batchShape, kB * n);
  const outShape = [...batchShape, m, n];
  return { outShape, m, n, k: kA, batchShape, aOffsets, bOffsets };
}

function broadcastShapes(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `matMul batch dimensions must broadcast, received ` +
          `[${a.join(', ')}] and [${b.join(', ')}]`,
      );
    }
    shape.push(Math.max(da, db));
  }

  return shape;
}

// Offsets of one operand's matrices for every output batch index; a
// broadcast dimension (size 1 in the operand) contributes stride 0.
function batchOffsets(
  operand: number[],
  batchShape: number[],
  matrixSize: number,
): Int32Array {
  const count = batchShape.reduce((product, d) => product * d, 1);
  const rankGap = batchShape.length - operand.length;
  const strides = new Array<number>(batchShape.length).fill(0);
  let stride = matrixSize;
  for (let i = operand.length - 1; i >= 0; i--) {
    strides[i + rankGap] = operand[i] === 1 ? 0 : stride;
    stride *= operand[i]!;
  }

  const offsets = new Int32Array(count);
  for (let flat = 0; flat < count; flat++) {
    let rest = flat;
    let offset = 0;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      const size = batchShape[d]!;
      offset += (rest % size) * strides[d]!;
      rest = Math.floor(rest / size);
    }
    offsets[flat] = offset;
  }

  return offsets;
}

/**
 * Computes the batched product into `into`, or a new array, of
 * `plan.outShape`.
 * When B is shared by every batch and A is not transposed, the batches
 * are stacked into one tall product, which BLAS runs far faster than many
 * small ones.
 */
export function batchMatMul(
  blas: Blas,
  problem: MatMulProblem,
  a: Float32Array,
  b: Float32Array,
  into?: Float32Array,
): { values: Float32Array; shape: number[] } {
  const plan = planMatMul(problem);
  const { m, n, k, aOffsets, bOffsets } = plan;
  const { transposeA, transposeB } = problem;
  const batches = aOffsets.length;
  const out = into ?? new Float32Array(batches * m * n);
  if (out.length !== batches * m * n) {
    throw new Error(
      `Internal error: batchMatMul output has ${out.length} values, ` +
        `expected ${batches * m * n}`,
    );
  }
  const lda = transposeA ? m : k;
  const ldb = transposeB ? k : n;
  if (m === 0 || n === 0 || k === 0 || batches === 0) {
    // BLAS rejects a leading dimension of 0; the product is all zeros.
    out.fill(0);
    return { values: out, shape: plan.outShape };
  }

  if (canStack(plan, transposeA)) {
    blas.sgemm(false, transposeB, batches * m, n, k, 1, a, lda, b, ldb, 0,
      out, n);
    return { values: out, shape: plan.outShape };
  }

  for (let i = 0; i < batches; i++) {
    blas.sgemm(
      transposeA, transposeB, m, n, k, 1,
      a.subarray(aOffsets[i]), lda,
      b.subarray(bOffsets[i]), ldb, 0,
      out.subarray(i * m * n), n,
    );
  }

  return { values: out, shape: plan.outShape };
}

// Stacking needs A's batches contiguous in output order and one B.
function canStack(plan: MatMulPlan, transposeA: boolean): boolean {
  if (transposeA || plan.aOffsets.length < 2) return false;
  const size = plan.m * plan.k;
  for (let i = 0; i < plan.aOffsets.length; i++) {
    if (plan.bOffsets[i] !== 0 || plan.aOffsets[i] !== i * size) return false;
  }

  return true;
}
