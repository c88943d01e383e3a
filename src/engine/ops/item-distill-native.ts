/**
 * The full-softmax training loss of the model nodes on plain arrays with
 * native BLAS. It is a weighted cross-entropy over all items plus an
 * optional temperature-scaled KL divergence to a fixed reference model,
 * and the same pass that computes it computes both gradients.
 *
 * Each chunk of rows costs two (three with a reference) BLAS products for
 * the logits and the gradients, and one pass per row over the items for
 * the max, the exponentials and the gradient of the logits. Nothing of
 * size `rows * items` outlives its chunk, so the backward pass only scales
 * the stored gradients.
 */
import type { Blas } from '../blas/load-blas.js';
import { fastExp } from '../kernels/fast-exp.js';
import type { ItemSoftmaxArrays } from './item-softmax-native.js';
import { simdKernels, type SimdKernels } from '../simd/simd-kernels.js';

/** A fixed model whose softened distribution the trained one moves to. */
export interface DistillReferenceArrays {
  /** `[rows, refDim]` states of the reference at the same rows. */
  hidden: Float32Array;
  /** `[items, refDim]` item table of the reference. */
  table: Float32Array;
  refDim: number;
  /** Weight of the `T^2 * KL(p_ref,T || p_T)` term. */
  weight: number;
  /** Softmax temperature T of both distributions, above 0. */
  temperature: number;
}

/** Operands of `itemDistillLoss` as row-major arrays. */
export interface ItemDistillArrays extends ItemSoftmaxArrays {
  /** Weight of the cross-entropy term. */
  crossEntropyWeight: number;
  reference?: DistillReferenceArrays;
}

/** The summed loss and its gradients. */
export interface ItemDistillResult {
  /** Sum over rows of the weighted loss terms. */
  lossSum: number;
  /** Gradient of `lossSum * scale` for `hidden`, `[rows, dim]`. */
  hiddenGrad: Float32Array;
  /** Gradient of `lossSum * scale` for `table`, `[items, dim]`. */
  tableGrad: Float32Array;
}

// Chunk buffers kept between calls: a training step calls the loss once
// and each buffer is several megabytes, which the garbage collector would
// otherwise reclaim every step. The loss runs synchronously, so one set of
// buffers per thread is enough; every use overwrites what it reads.
const scratchBuffers: Float32Array[] = [];

function scratch(slot: number, size: number): Float32Array {
  const buffer = scratchBuffers[slot];
  if (buffer && buffer.length >= size) return buffer.subarray(0, size);
  scratchBuffers[slot] = new Float32Array(size);
  return scratchBuffers[slot];
}

/**
 * The chunk buffers and the per-row passes over them, in plain
 * JavaScript or in the SIMD kernels. Rows of the buffers are `ld` floats
 * apart, `ld >= items`.
 */
interface RowPasses {
  ld: number;
  logits: Float32Array;
  refLogits?: Float32Array;
  softened?: Float32Array;
  /**
   * Replaces the logits of `size` rows by their shifted exponentials,
   * sets `factors[r]` to `w_ce * scale / sum` and returns the summed
   * weighted cross-entropy.
   */
  crossEntropy(size: number, targets: Int32Array, scale: number,
    factors: Float64Array): number;
  /**
   * Replaces the logits of `size` rows by the gradient of `scale` times
   * the loss and returns the summed loss.
   */
  distill(size: number, targets: Int32Array, scale: number): number;
}

function jsPasses(a: ItemDistillArrays, chunk: number): RowPasses {
  const ref = a.reference;
  const ld = a.items;
  const passes: RowPasses = {
    ld,
    logits: scratch(0, chunk * ld),
    refLogits: ref ? scratch(1, chunk * ld) : undefined,
    softened: ref ? scratch(2, chunk * ld) : undefined,
    crossEntropy(size, targets, scale, factors) {
      let loss = 0;
      for (let r = 0; r < size; r++) {
        loss += crossEntropyRow(a, passes.logits, r * ld, targets[r]!, scale,
          factors, r);
      }
      return loss;
    },
    distill(size, targets, scale) {
      let loss = 0;
      for (let r = 0; r < size; r++) {
        loss += distillRow(a, ref!, passes.logits, passes.refLogits!,
          passes.softened!, r * ld, targets[r]!, scale);
      }
      return loss;
    },
  };
  return passes;
}

/** Float64 values per row of `distillRows`' statistics. */
const DISTILL_STATS = 8;

/**
 * Bytes of the kernels' memory one call may use for its chunk buffers.
 * A WebAssembly memory stops at 4 GiB, so a large catalogue gets fewer
 * rows per chunk instead of failing. Chunks of 1,024 rows stay whole up
 * to about 87,000 items with a reference and 262,000 without.
 */
const SIMD_CHUNK_BYTES = 2 ** 30;

// Rows of the SIMD chunk buffers are whole vectors of four floats.
function paddedRowLength(items: number): number {
  return Math.ceil(items / 4) * 4;
}

/** Returns the most rows per chunk that fit `SIMD_CHUNK_BYTES`. */
export function simdChunkLimit(
  a: Pick<ItemDistillArrays, 'items' | 'reference'>,
): number {
  const ld = paddedRowLength(a.items);
  const buffers = a.reference ? 3 : 1;
  const bytesPerRow = ld * 4 * buffers + DISTILL_STATS * 8;
  return Math.max(1, Math.floor(SIMD_CHUNK_BYTES / bytesPerRow));
}

function simdPasses(
  simd: SimdKernels, a: ItemDistillArrays, chunk: number,
): RowPasses {
  const ref = a.reference;
  const ld = paddedRowLength(a.items);
  const bytes = chunk * ld * 4;
  const [z, y, soft, stats] = simd.reserve([
    bytes, ref ? bytes : 0, ref ? bytes : 0, chunk * DISTILL_STATS * 8,
  ]) as [number, number, number, number];
  const logits = simd.f32(z, chunk * ld);
  const statValues = simd.f64(stats, chunk * DISTILL_STATS);
  const w = a.crossEntropyWeight;
  return {
    ld,
    logits,
    refLogits: ref ? simd.f32(y, chunk * ld) : undefined,
    softened: ref ? simd.f32(soft, chunk * ld) : undefined,
    crossEntropy(size, targets, scale, factors) {
      const targetLogits = readTargets(logits, ld, size, targets);
      simd.exports.softmaxRows(z, size, a.items, ld, stats);
      let loss = 0;
      for (let r = 0; r < size; r++) {
        const max = statValues[2 * r]!;
        const sum = statValues[2 * r + 1]!;
        factors[r] = (w * scale) / sum;
        loss += w * (max + Math.log(sum) - targetLogits[r]!);
      }
      return loss;
    },
    // NOTE: the kernel sums q (c - d) in float32 lanes, so the KL it
    // reports is off by up to about 2e-6 per row when the two models are
    // nearly equal (large relative error on a tiny term). The gradients
    // do not use that sum.
    distill(size, targets, scale) {
      const { temperature: t, weight } = ref!;
      const targetLogits = readTargets(logits, ld, size, targets);
      const kernel = t === 1
        ? simd.exports.distillRowsT1
        : t === 2 ? simd.exports.distillRowsT2 : simd.exports.distillRows;
      kernel(z, y, soft, size, a.items, ld, 1 / t, w * scale,
        weight * t * scale, stats);
      let loss = 0;
      for (let r = 0; r < size; r++) {
        const s = statValues.subarray(r * DISTILL_STATS);
        const [maxZ, , sum, softSum, refSum, refDotShift] = s;
        // KL = sum q (c - d) / sum q - log sum q + log sum soft.
        const kl = refDotShift! / refSum! - Math.log(refSum!) +
          Math.log(softSum!);
        loss += w * (maxZ! + Math.log(sum!) - targetLogits[r]!) +
          weight * t * t * kl;
        logits[r * ld + targets[r]!]! -= w * scale;
      }
      return loss;
    },
  };
}

// The logits at the targets, read before the passes overwrite them.
function readTargets(
  logits: Float32Array, ld: number, size: number, targets: Int32Array,
): Float64Array {
  const values = new Float64Array(size);
  for (let r = 0; r < size; r++) values[r] = logits[r * ld + targets[r]!]!;
  return values;
}

/**
 * Computes, over chunks of `chunkRows` rows, the sum over rows of
 * `w_ce * CE(target, softmax(z)) + w_kl * T^2 * KL(softmax(y/T) ||
 * softmax(z/T))` with `z = hidden · tableᵀ` and `y` the reference's
 * logits, and the gradients of `scale` times that sum. The row passes run
 * in the SIMD kernels when they load, in JavaScript otherwise.
 */
export function itemDistillLoss(
  blas: Blas,
  a: ItemDistillArrays,
  scale: number,
  chunkRows: number,
): ItemDistillResult {
  const { rows, items, dim } = a;
  const hiddenGrad = new Float32Array(rows * dim);
  const tableGrad = new Float32Array(items * dim);
  const simd = simdKernels();
  const chunk = Math.max(1, Math.min(chunkRows, rows,
    simd ? simdChunkLimit(a) : rows));
  const passes = simd ? simdPasses(simd, a, chunk) : jsPasses(a, chunk);
  const { ld, logits } = passes;
  const ref = a.reference;
  // Cross-entropy only: per-row factors and the rows of `hidden` scaled
  // by them (see `crossEntropyRow`).
  const rowFactors = new Float64Array(chunk);
  const scaledHidden = ref ? undefined : new Float32Array(chunk * dim);
  let lossSum = 0;

  for (let start = 0; start < rows; start += chunk) {
    const size = Math.min(chunk, rows - start);
    const hiddenRows = a.hidden.subarray(start * dim);
    const gradRows = hiddenGrad.subarray(start * dim);
    const targets = a.targets.subarray(start, start + size);
    blas.sgemm(false, true, size, items, dim, 1,
      hiddenRows, dim, a.table, dim, 0, logits, ld);
    if (ref) {
      blas.sgemm(false, true, size, items, ref.refDim, 1,
        ref.hidden.subarray(start * ref.refDim), ref.refDim, ref.table,
        ref.refDim, 0, passes.refLogits!, ld);
      lossSum += passes.distill(size, targets, scale);
      // The logits buffer now contains d(scale * loss)/d logits.
      blas.sgemm(false, false, size, dim, items, 1, logits, ld,
        a.table, dim, 0, gradRows, dim);
      blas.sgemm(true, false, items, dim, size, 1, logits, ld,
        hiddenRows, dim, 1, tableGrad, dim);
      continue;
    }

    lossSum += passes.crossEntropy(size, targets, scale, rowFactors);
    // d(scale * loss)/d z_rj = f_r * e_rj - c * [j = t_r], with e in the
    // logits buffer, f the row factors and c = w_ce * scale. So
    // dH = diag(f) (E T) - c T[t] and dT = E^T (diag(f) H) - c onehot^T H:
    // two products on E as it is, and corrections of `dim` values per row.
    const c = a.crossEntropyWeight * scale;
    for (let r = 0; r < size; r++) {
      const f = rowFactors[r]!;
      for (let k = 0; k < dim; k++) {
        scaledHidden![r * dim + k] = f * hiddenRows[r * dim + k]!;
      }
    }
    blas.sgemm(false, false, size, dim, items, 1, logits, ld,
      a.table, dim, 0, gradRows, dim);
    blas.sgemm(true, false, items, dim, size, 1, logits, ld,
      scaledHidden!, dim, 1, tableGrad, dim);
    for (let r = 0; r < size; r++) {
      const f = rowFactors[r]!;
      const targetRow = targets[r]! * dim;
      for (let k = 0; k < dim; k++) {
        gradRows[r * dim + k] =
          f * gradRows[r * dim + k]! - c * a.table[targetRow + k]!;
        tableGrad[targetRow + k]! -= c * hiddenRows[r * dim + k]!;
      }
    }
  }

  return { lossSum, hiddenGrad, tableGrad };
}

// Cross-entropy of one row in two passes over the items: the maximum,
// then the shifted exponentials e_j, which overwrite the logits, and
// their sum. The gradient w_ce * scale * (e_j / sum - [j = target]) is
// left for the products: `factors[r]` gets w_ce * scale / sum.
function crossEntropyRow(
  a: ItemDistillArrays,
  z: Float32Array,
  base: number,
  target: number,
  scale: number,
  factors: Float64Array,
  r: number,
): number {
  const end = base + a.items;
  let max = -Infinity;
  for (let j = base; j < end; j++) if (z[j]! > max) max = z[j]!;
  const targetLogit = z[base + target]!;
  let sum = 0;
  for (let j = base; j < end; j++) {
    const e = fastExp(z[j]! - max);
    z[j] = e;
    sum += e;
  }
  const w = a.crossEntropyWeight;
  factors[r] = (w * scale) / sum;
  return w * (max + Math.log(sum) - targetLogit);
}

// Cross-entropy plus the KL term of one row, in three passes: maxima;
// exponentials and their sums; gradients. The KL needs no logarithm per
// item: with d_j = (z_j - max z) / T and c_j = (y_j - max y) / T,
// KL = sum q_j c_j - log sum e^c - sum q_j d_j + log sum e^d.
function distillRow(
  a: ItemDistillArrays,
  ref: DistillReferenceArrays,
  z: Float32Array,
  y: Float32Array,
  soft: Float32Array,
  base: number,
  target: number,
  scale: number,
): number {
  const end = base + a.items;
  const inverseT = 1 / ref.temperature;
  let maxZ = -Infinity;
  let maxY = -Infinity;
  for (let j = base; j < end; j++) {
    if (z[j]! > maxZ) maxZ = z[j]!;
    if (y[j]! > maxY) maxY = y[j]!;
  }
  const targetLogit = z[base + target]!;
  let sum = 0;
  let softSum = 0;
  let refSum = 0;
  let refDotRef = 0;
  let refDotSoft = 0;
  // e^x = (e^(x/T))^T saves one exponential per item for T = 1 and 2,
  // the usual temperatures.
  const temperature = ref.temperature;
  for (let j = base; j < end; j++) {
    const shifted = z[j]! - maxZ;
    const d = shifted * inverseT;
    const c = (y[j]! - maxY) * inverseT;
    const eSoft = fastExp(d);
    const e =
      temperature === 1
        ? eSoft
        : temperature === 2
          ? eSoft * eSoft
          : fastExp(shifted);
    const eRef = fastExp(c);
    z[j] = e;
    soft[j] = eSoft;
    y[j] = eRef;
    sum += e;
    softSum += eSoft;
    refSum += eRef;
    refDotRef += eRef * c;
    refDotSoft += eRef * d;
  }
  const logSoftSum = Math.log(softSum);
  const logRefSum = Math.log(refSum);
  const kl =
    (refDotRef - refDotSoft) / refSum - logRefSum + logSoftSum;

  const w = a.crossEntropyWeight;
  const ceFactor = (w * scale) / sum;
  // d(w_kl T^2 KL)/dz_j = w_kl * T * (p_T,j - q_j).
  const klScale = ref.weight * ref.temperature * scale;
  const softFactor = klScale / softSum;
  const refFactor = klScale / refSum;
  for (let j = base; j < end; j++) {
    z[j] = z[j]! * ceFactor + soft[j]! * softFactor - y[j]! * refFactor;
  }
  z[base + target] = z[base + target]! - w * scale;
  const crossEntropy = maxZ + Math.log(sum) - targetLogit;
  return (
    w * crossEntropy + ref.weight * ref.temperature * ref.temperature * kl
  );
}
