/**
 * A small seeded pseudo-random generator for reproducible negative
 * sampling. Each test case gets its own stream derived from (seed, user),
 * so the sampled negatives do not depend on batch size or case order and
 * are identical for every model evaluated with the same seed.
 */

/** A generator of uniform floats in [0, 1). */
export type RandomSource = () => number;

/** Mixes a 32-bit value with the finalizer of MurmurHash3. */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Creates a mulberry32 generator, a 32-bit state with period 2^32. */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates the generator of one stream, such as one user's negatives. */
export function streamRandom(seed: number, stream: number): RandomSource {
  return mulberry32(mix32(mix32(seed) ^ Math.imul(stream + 1, 0x9e3779b9)));
}

/** Draws an integer uniformly from [low, high). */
export function randomInt(random: RandomSource, low: number, high: number): number {
  return low + Math.floor(random() * (high - low));
}
