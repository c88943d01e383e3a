/**
 * Element-wise binary arithmetic with NumPy broadcasting on Float32Arrays.
 * tfjs-backend-cpu 4.22 computes a multi-index for every element whenever
 * the operand shapes differ, which made a softmax over [128, 200, 200] take
 * seconds. Here dimensions with the same broadcast pattern are merged
 * first, so each case becomes a few flat loops with fixed strides.
 */
import { fastExp } from './fast-exp.js';

/** The arithmetic operations this module implements. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'squaredDifference';

/** Output shape of broadcasting `a` with `b`, or undefined if invalid. */
export function broadcastShape(
  a: readonly number[],
  b: readonly number[],
): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    shape.push(da === 1 ? db : da);
  }

  return shape;
}

/** One merged dimension: its size and each operand's element stride. */
interface Dimension {
  size: number;
  strideA: number;
  strideB: number;
}

// Merges neighbouring dimensions in which each operand is either broadcast
// in both or present in both; drops dimensions of size 1.
export function mergedDimensions(
  a: readonly number[],
  b: readonly number[],
  out: readonly number[],
): Dimension[] {
  const rank = out.length;
  const flags: { size: number; inA: boolean; inB: boolean }[] = [];
  for (let i = 0; i < rank; i++) {
    const size = out[i]!;
    if (size === 1) continue;
    const inA = (a[a.length - rank + i] ?? 1) !== 1;
    const inB = (b[b.length - rank + i] ?? 1) !== 1;
    const last = flags[flags.length - 1];
    if (last && last.inA === inA && last.inB === inB) last.size *= size;
    else flags.push({ size, inA, inB });
  }

  // Strides from the innermost merged dimension outwards.
  const dims: Dimension[] = new Array(flags.length);
  let strideA = 1;
  let strideB = 1;
  for (let i = flags.length - 1; i >= 0; i--) {
    const flag = flags[i]!;
    dims[i] = {
      size: flag.size,
      strideA: flag.inA ? strideA : 0,
      strideB: flag.inB ? strideB : 0,
    };
    if (flag.inA) strideA *= flag.size;
    if (flag.inB) strideB *= flag.size;
  }

  return dims;
}

function innerLoop(
  op: BinaryOp,
  a: Float32Array, aStart: number, aStep: number,
  b: Float32Array, bStart: number, bStep: number,
  out: Float32Array, outStart: number, count: number,
): void {
  // One loop per operation keeps each loop monomorphic for V8.
  switch (op) {
    case 'add':
      for (let i = 0; i < count; i++) {
        out[outStart + i] = a[aStart + i * aStep]! + b[bStart + i * bStep]!;
      }
      return;
    case 'sub':
      for (let i = 0; i < count; i++) {
        out[outStart + i] = a[aStart + i * aStep]! - b[bStart + i * bStep]!;
      }
      return;
    case 'mul':
      for (let i = 0; i < count; i++) {
        out[outStart + i] = a[aStart + i * aStep]! * b[bStart + i * bStep]!;
      }
      return;
    case 'div':
      for (let i = 0; i < count; i++) {
        out[outStart + i] = a[aStart + i * aStep]! / b[bStart + i * bStep]!;
      }
      return;
    case 'squaredDifference':
      for (let i = 0; i < count; i++) {
        const d = a[aStart + i * aStep]! - b[bStart + i * bStep]!;
        out[outStart + i] = d * d;
      }
      return;
  }
}

/**
 * Computes `op(a, b)` with broadcasting into a new array of
 * `broadcastShape(aShape, bShape)`, which the caller has validated.
 */
export function broadcastBinary(
  op: BinaryOp,
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  outShape: readonly number[],
): Float32Array {
  const size = outShape.reduce((product, d) => product * d, 1);
  const out = new Float32Array(size);
  const dims = mergedDimensions(aShape, bShape, outShape);
  if (dims.length === 0) {
    if (size > 0) innerLoop(op, a, 0, 0, b, 0, 0, out, 0, 1);
    return out;
  }

  const inner = dims[dims.length - 1]!;
  const outer = dims.slice(0, -1);
  const index = new Array<number>(outer.length).fill(0);
  let aOffset = 0;
  let bOffset = 0;
  for (let start = 0; start < size; start += inner.size) {
    innerLoop(op, a, aOffset, inner.strideA, b, bOffset, inner.strideB,
      out, start, inner.size);
    // Odometer step over the outer dimensions.
    for (let d = outer.length - 1; d >= 0; d--) {
      const dim = outer[d]!;
      index[d]! += 1;
      aOffset += dim.strideA;
      bOffset += dim.strideB;
      if (index[d]! < dim.size) break;
      index[d] = 0;
      aOffset -= dim.strideA * dim.size;
      bOffset -= dim.strideB * dim.size;
    }
  }

  return out;
}

/** Softmax over the last axis of `[rows, columns]` data, in one pass each. */
export function softmaxRows(
  logits: Float32Array,
  columns: number,
): Float32Array {
  const out = new Float32Array(logits.length);
  for (let start = 0; start < logits.length; start += columns) {
    let max = -Infinity;
    for (let j = 0; j < columns; j++) {
      const value = logits[start + j]!;
      if (value > max) max = value;
    }
    let sum = 0;
    for (let j = 0; j < columns; j++) {
      const e = fastExp(logits[start + j]! - max);
      out[start + j] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let j = 0; j < columns; j++) out[start + j]! *= inverse;
  }

  return out;
}
