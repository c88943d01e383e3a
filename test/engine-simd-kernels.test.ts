import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { loadBlas } from '../src/engine/blas/load-blas.js';
import {
  layerNormBackward, layerNormForward,
} from '../src/engine/ops/layer-norm.js';
import {
  itemDistillLoss, simdChunkLimit, type ItemDistillArrays,
} from '../src/engine/ops/item-distill-native.js';
import { compileKernels } from '../src/engine/simd/build-kernels.js';
import { KERNELS_WASM } from '../src/engine/simd/kernel-files.js';
import {
  resetSimdKernels, simdKernels, simdUnavailableReason,
} from '../src/engine/simd/simd-kernels.js';
import { Prng } from '../src/models/prng.js';

// Seeded values in [-scale, scale).
function seeded(size: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state / 2 ** 31 - 1) * scale;
  }
  return values;
}

// Runs `compute` with the SIMD kernels switched on or off.
function withSimd<T>(on: boolean, compute: () => T): T {
  process.env.DISTILLERY_SIMD = on ? 'on' : 'off';
  resetSimdKernels();
  try {
    return compute();
  } finally {
    delete process.env.DISTILLERY_SIMD;
    resetSimdKernels();
  }
}

function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  let error = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    error = Math.max(error, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return error / scale;
}

afterEach(() => {
  delete process.env.DISTILLERY_SIMD;
  resetSimdKernels();
});

describe('the compiled kernels', () => {
  test('kernels.wasm matches the kernel text', async () => {
    const compiled = await compileKernels();
    expect(Buffer.from(readFileSync(KERNELS_WASM)).equals(Buffer.from(compiled))).toBe(true);
  });

  test('a call past 4 GiB gets advice, not a RangeError', () => {
    const simd = simdKernels()!;
    expect(() => simd.reserve([5 * 2 ** 30])).toThrow(/5120 MB for one call.*chunkSize.*DISTILLERY_SIMD=off/);
    // The memory still works afterwards.
    const [offset] = simd.reserve([16]) as [number];
    simd.f32(offset, 4).set([1, 2, 3, 4]);
    expect(Array.from(simd.f32(offset, 4))).toEqual([1, 2, 3, 4]);
  });

  test('DISTILLERY_SIMD=off switches them off', () => {
    expect(simdKernels()).toBeDefined();
    expect(simdUnavailableReason()).toBeUndefined();
    withSimd(false, () => {
      expect(simdKernels()).toBeUndefined();
      expect(simdUnavailableReason()).toContain('DISTILLERY_SIMD=off');
    });
  });
});

describe('softmaxRows', () => {
  // One row per case, stride 12 floats for 9 items. The last vector is
  // partial, and the padding contains values to ignore.
  test('writes exponentials and row sums', () => {
    const simd = simdKernels()!;
    const items = 9;
    const ld = 12;
    const rows = [
      [0, -1, -2, -5, -10, -20, -40, -80, -86.5],
      [3.5, 3.25, -1e-3, 1e-3, 2, 1, 0.5, -0.5, 3.5],
    ];
    const [z, stats] = simd.reserve([rows.length * ld * 4, rows.length * 16]) as [number, number];
    const view = simd.f32(z, rows.length * ld);
    view.fill(1e30);
    rows.forEach((row, r) => view.set(row, r * ld));
    simd.exports.softmaxRows(z, rows.length, items, ld, stats);

    const out = simd.f32(z, rows.length * ld);
    const sums = simd.f64(stats, rows.length * 2);
    rows.forEach((row, r) => {
      const max = Math.max(...row);
      expect(sums[2 * r]).toBe(Math.fround(max));
      let sum = 0;
      row.forEach((value, j) => {
        const expected = Math.exp(Math.fround(value) - Math.fround(max));
        sum += expected;
        expect(Math.abs(out[r * ld + j]! - expected)).toBeLessThanOrEqual(3e-7 * expected);
      });
      expect(sums[2 * r + 1]).toBeCloseTo(sum, 6);
      // The padding is masked to zero, not exponentiated.
      for (let j = items; j < ld; j++) expect(out[r * ld + j]).toBe(0);
    });
  });

  test('a NaN logit makes the row sum NaN', () => {
    const simd = simdKernels()!;
    const [z, stats] = simd.reserve([32, 16]) as [number, number];
    simd.f32(z, 8).set([0, 1, Number.NaN, 2, 3, 4, 5, 6]);
    simd.exports.softmaxRows(z, 1, 8, 8, stats);
    expect(simd.f64(stats, 2)[1]).toBeNaN();
  });
});

describe('itemDistillLoss with and without the SIMD kernels', async () => {
  const loaded = await loadBlas({ threads: 1 });
  const blas = loaded.ok ? loaded.blas : undefined;

  // Item counts on each side of the vector and pair widths.
  const cases = [37, 40, 43].flatMap((items) =>
    [undefined, 1, 2, 0.5].map((temperature) => ({ items, temperature })));

  test.skipIf(!blas).each(cases)('agree for $items items at T = $temperature', ({ items, temperature }) => {
    const rows = 70;
    const dim = 8;
    const a: ItemDistillArrays = {
      hidden: seeded(rows * dim, 1, 2),
      table: seeded(items * dim, 2, 2),
      targets: Int32Array.from({ length: rows }, (_, r) => (r * 7) % items),
      rows,
      items,
      dim,
      crossEntropyWeight: 0.75,
      reference: temperature === undefined ? undefined : {
        hidden: seeded(rows * 4, 3, 3),
        table: seeded(items * 4, 4, 3),
        refDim: 4,
        weight: 0.4,
        temperature,
      },
    };
    const scalar = withSimd(false, () => itemDistillLoss(blas!, a, 1 / rows, 16));
    const vector = withSimd(true, () => itemDistillLoss(blas!, a, 1 / rows, 16));
    expect(vector.lossSum).toBeGreaterThan(0);
    expect(Math.abs(vector.lossSum - scalar.lossSum) / scalar.lossSum).toBeLessThan(1e-6);
    expect(maxRelativeError(vector.hiddenGrad, scalar.hiddenGrad)).toBeLessThan(2e-6);
    expect(maxRelativeError(vector.tableGrad, scalar.tableGrad)).toBeLessThan(2e-6);
  });
});

describe('LayerNorm with and without the SIMD kernels', () => {
  test('forward and backward agree on width 64', () => {
    const width = 64;
    const rows = 33;
    const x = seeded(rows * width, 5, 4);
    const gamma = seeded(width, 6);
    const beta = seeded(width, 7);
    const dy = seeded(rows * width, 8);
    const run = () => {
      const forward = layerNormForward(x, gamma, beta, width, 1e-8);
      const grads = layerNormBackward(dy, forward.normalised, forward.inverseStd, gamma, width);
      return { forward, grads };
    };
    const scalar = withSimd(false, run);
    const vector = withSimd(true, run);
    expect(maxRelativeError(vector.forward.output, scalar.forward.output)).toBeLessThan(1e-6);
    expect(maxRelativeError(vector.forward.inverseStd, scalar.forward.inverseStd)).toBeLessThan(1e-6);
    expect(maxRelativeError(vector.grads.input, scalar.grads.input)).toBeLessThan(1e-5);
    expect(maxRelativeError(vector.grads.gamma, scalar.grads.gamma)).toBeLessThan(1e-6);
    expect(maxRelativeError(vector.grads.beta, scalar.grads.beta)).toBeLessThan(1e-6);
  });

  test('rows far from zero stay exact', () => {
    // A float32 mean of 64 copies of 1000.3 is a few ulps off. Uncorrected,
    // the constant row normalised to 0.77 and the narrow row was 2e-3 off.
    const width = 64;
    const constant = new Float32Array(width).fill(1000.3);
    const narrow = Float32Array.from(seeded(width, 9), (v) => 1e4 + v);
    const x = new Float32Array(2 * width);
    x.set(constant);
    x.set(narrow, width);
    const gamma = new Float32Array(width).fill(1);
    const beta = new Float32Array(width);
    const scalar = withSimd(false, () => layerNormForward(x, gamma, beta, width, 1e-8));
    const vector = withSimd(true, () => layerNormForward(x, gamma, beta, width, 1e-8));
    expect(Array.from(vector.normalised.subarray(0, width))).toEqual(new Array(width).fill(0));
    let worst = 0;
    for (let i = width; i < 2 * width; i++) {
      worst = Math.max(worst, Math.abs(vector.normalised[i]! - scalar.normalised[i]!));
    }
    expect(worst).toBeLessThan(1e-5);
    expect(Math.abs(vector.inverseStd[1]! / scalar.inverseStd[1]! - 1)).toBeLessThan(1e-5);
  });

  test('overflowing squares give no NaN', () => {
    // Squares of 1e30 overflow float32, so the variance is infinite and
    // the row normalises to 0. A variance of inf - inf made it NaN.
    const width = 8;
    const x = new Float32Array(width);
    x[0] = 1e30;
    const gamma = new Float32Array(width).fill(1);
    const beta = new Float32Array(width);
    const forward = withSimd(true, () => layerNormForward(x, gamma, beta, width, 1e-8));
    // Compared as numbers, because -0 and 0 both count as normalised to 0.
    expect(forward.normalised.every((value) => value === 0)).toBe(true);
    expect(forward.inverseStd[0]).toBe(0);
  });
});

describe('Prng.fillMask in the SIMD kernels', () => {
  test.each([0.9, 0.5, 0.123])('matches nextFloat() < %f and its final state', (keep) => {
    const size = 1001;
    const reference = new Prng(42);
    const expected = Float32Array.from({ length: size }, () =>
      reference.nextFloat() < keep ? 1 / keep : 0);
    const random = new Prng(42);
    const mask = new Float32Array(size);
    withSimd(true, () => random.fillMask(mask, keep, 1 / keep));
    expect(Array.from(mask)).toEqual(Array.from(expected));
    expect(random.state()).toEqual(reference.state());
    const kept = mask.filter((value) => value > 0).length;
    expect(Math.abs(kept / size - keep)).toBeLessThan(0.05);
  });
});

describe('Prng.drawMask', () => {
  test('matches fillMask and its state', () => {
    const viaFill = new Prng(7);
    const filled = new Float32Array(333);
    viaFill.fillMask(filled, 0.8, 1.25);
    const viaDraw = new Prng(7);
    const drawn = Array.from(viaDraw.drawMask(333, 0.8, 1.25));
    expect(drawn).toEqual(Array.from(filled));
    expect(viaDraw.state()).toEqual(viaFill.state());
  });

  test('matches the scalar stream', () => {
    const expected = Array.from(new Prng(3).drawMask(50, 0.5, 2));
    const scalar = withSimd(false, () => Array.from(new Prng(3).drawMask(50, 0.5, 2)));
    expect(scalar).toEqual(expected);
  });
});

describe('simdChunkLimit', () => {
  const reference = { hidden: new Float32Array(0), table: new Float32Array(0), refDim: 1, weight: 1, temperature: 2 };

  test('keeps full chunks for pipeline catalogues', () => {
    expect(simdChunkLimit({ items: 9724 })).toBeGreaterThan(1024);
    expect(simdChunkLimit({ items: 9724, reference })).toBeGreaterThan(1024);
  });

  test('caps huge catalogues at 1 GiB', () => {
    // 100,000 items: 400,000 bytes per buffer row, three buffers.
    expect(simdChunkLimit({ items: 100_000, reference })).toBe(Math.floor(2 ** 30 / (100_000 * 12 + 64)));
    expect(simdChunkLimit({ items: 100_000 })).toBe(Math.floor(2 ** 30 / (100_000 * 4 + 64)));
    expect(simdChunkLimit({ items: 1e9 })).toBe(1);
  });
});

