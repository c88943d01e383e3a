/**
 * Training batches: seeded shuffling of the users each epoch, and the
 * shifted, left-padded input and target arrays of a batch.
 */
import { Prng } from './prng.js';

/** One batch as plain arrays, ready to become tensors. */
export interface TrainingBatch {
  /** Number of sequences. */
  size: number;
  /** Input items `[size, maxLength]`, left-padded with 0. */
  inputs: Int32Array;
  /** Indices of scored positions in the flattened `[size * maxLength]`. */
  positions: Int32Array;
  /** Next item at each scored position, aligned with `positions`. */
  targets: Int32Array;
}

/** Splits a seeded permutation of `count` sequences into batches. */
export function epochBatches(
  count: number,
  batchSize: number,
  prng: Prng,
): number[][] {
  const order = prng.shuffle(Array.from({ length: count }, (_, i) => i));
  const batches: number[][] = [];
  for (let start = 0; start < count; start += batchSize) {
    batches.push(order.slice(start, start + batchSize));
  }
  return batches;
}

/**
 * Builds a batch: each sequence `s` gives inputs `s[0..n-2]` and targets
 * `s[1..n-1]`, both the latest `maxLength` positions, left-padded.
 */
export function buildBatch(
  sequences: number[][],
  maxLength: number,
): TrainingBatch {
  const inputs = new Int32Array(sequences.length * maxLength);
  const positions: number[] = [];
  const targets: number[] = [];
  sequences.forEach((sequence, row) => {
    const kept = sequence.slice(-(maxLength + 1));
    const length = kept.length - 1;
    const offset = row * maxLength + maxLength - length;
    for (let i = 0; i < length; i++) {
      inputs[offset + i] = kept[i];
      positions.push(offset + i);
      targets.push(kept[i + 1]);
    }
  });
  return {
    size: sequences.length,
    inputs,
    positions: Int32Array.from(positions),
    targets: Int32Array.from(targets),
  };
}

/**
 * Draws one negative item per target, uniformly among items the sequence
 * never contains, as in SASRec's training. `owners[i]` is the row of the
 * sequence that target `i` belongs to.
 */
export function sampleNegatives(
  sequences: number[][],
  owners: Int32Array,
  numItems: number,
  prng: Prng,
): Int32Array {
  const seen = sequences.map((s) => new Set(s));
  const negatives = new Int32Array(owners.length);
  for (let i = 0; i < owners.length; i++) {
    const excluded = seen[owners[i]];
    if (excluded.size >= numItems) {
      throw new Error(
        `A training sequence contains all ${numItems} items, so no ` +
          'negative can be sampled: use `loss: softmax`.',
      );
    }
    let item = 1 + prng.nextInt(numItems);
    while (excluded.has(item)) item = 1 + prng.nextInt(numItems);
    negatives[i] = item;
  }
  return negatives;
}

/** Returns the batch row of every scored position. */
export function positionOwners(
  batch: TrainingBatch,
  maxLength: number,
): Int32Array {
  return batch.positions.map((p) => Math.floor(p / maxLength));
}
