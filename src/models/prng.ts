/**
 * A small seeded pseudo-random number generator (xoshiro128**) whose whole
 * state is four 32-bit words, so training checkpoints can store it and a
 * resumed run draws exactly the numbers an uninterrupted run would.
 */
import { simdKernels } from '../engine/simd/simd-kernels.js';

/** Serialisable state of a `Prng`: four unsigned 32-bit words. */
export type PrngState = [number, number, number, number];

/** Deterministic generator of uniform numbers, shuffles and seeds. */
export class Prng {
  private s: Uint32Array;

  /** Creates a generator from an integer seed or a saved state. */
  constructor(seedOrState: number | PrngState) {
    this.s = new Uint32Array(4);
    if (typeof seedOrState === 'number') {
      this.seed(seedOrState);
    } else {
      this.s.set(seedOrState);
    }
  }

  /** Returns a copy of the current state, for checkpoints. */
  state(): PrngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  /** Returns the next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Returns a uniform float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * Fills `mask` with `scale` where the next uniform float is below `keep`
   * and 0 elsewhere, drawing one number per element: the same stream as
   * `nextFloat() < keep` per element, without a call per draw.
   */
  fillMask(mask: Float32Array, keep: number, scale: number): void {
    mask.set(this.drawMask(mask.length, keep, scale));
  }

  /**
   * Returns `count` values drawn as in `fillMask`. Note: with the SIMD
   * kernels this is a view into their memory, valid only until their
   * next call, so copy it (into a tensor, for example) at once.
   */
  drawMask(count: number, keep: number, scale: number): Float32Array {
    const threshold = Math.ceil(keep * 4294967296);
    const simd = simdKernels();
    if (!simd || threshold >= 4294967296) {
      const mask = new Float32Array(count);
      this.fillMaskScalar(mask, keep, scale);
      return mask;
    }
    // `draw < keep * 2^32` for an integer draw is `draw < ceil(...)`.
    const [state, out] = simd.reserve([16, count * 4]) as [number, number];
    simd.u32(state, 4).set(this.s);
    simd.exports.fillMask(state, out, count, threshold | 0, scale);
    this.s.set(simd.u32(state, 4));
    return simd.f32(out, count);
  }

  private fillMaskScalar(
    mask: Float32Array,
    keep: number,
    scale: number,
  ): void {
    // Locals stay int32, which V8 keeps unboxed; the stored words are
    // the same bits as unsigned.
    let s0 = this.s[0] | 0;
    let s1 = this.s[1] | 0;
    let s2 = this.s[2] | 0;
    let s3 = this.s[3] | 0;
    const threshold = keep * 4294967296;
    for (let i = 0; i < mask.length; i++) {
      const x = Math.imul(s1, 5);
      const draw = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      mask[i] = draw < threshold ? scale : 0;
    }
    this.s[0] = s0;
    this.s[1] = s1;
    this.s[2] = s2;
    this.s[3] = s3;
  }

  /** Returns a uniform integer in [0, n); `n` must be a positive integer. */
  nextInt(n: number): number {
    // Multiplying keeps the draw unbiased enough for n far below 2^32,
    // which holds for item and user counts.
    return Math.floor(this.nextFloat() * n);
  }

  /** Shuffles `values` in place (Fisher-Yates) and returns it. */
  shuffle<T>(values: T[]): T[] {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const held = values[i];
      values[i] = values[j];
      values[j] = held;
    }
    return values;
  }

  // Expands one integer into four state words with splitmix32, so nearby
  // seeds give unrelated streams and the state is never all zero.
  private seed(seed: number): void {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((word) => word === 0)) this.s[0] = 1;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
