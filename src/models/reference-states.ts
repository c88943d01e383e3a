/**
 * The states of the fixed models a training run distils from (the KL
 * reference, the ranking teacher), computed once per run for every
 * training sequence instead of once per step. A fixed model without
 * dropout gives the same states for a sequence every epoch, and
 * distill-back's teacher forward pass was a large part of its step.
 */
import { tf } from '../engine/index.js';
import { buildBatch } from './batches.js';
import type { SequentialModel } from './model.js';
import { scoredStates } from './objective.js';

/** Sequences per forward pass while filling the cache. */
const FILL_BATCH_SIZE = 256;

/**
 * Largest cache of one model, in float32 values (256 MB). Above it, the
 * states are computed at every step. MovieLens-100K at length 50 needs
 * about 3 million values for a 64-wide model.
 */
export const MAX_CACHED_VALUES = 64 * 1024 * 1024;

/** Per-sequence states of one fixed model. */
export class ReferenceStates {
  private readonly rows: Float32Array[];
  readonly width: number;

  private constructor(rows: Float32Array[], width: number) {
    this.rows = rows;
    this.width = width;
  }

  /**
   * Computes `model`'s states at every scored position of every sequence,
   * or returns undefined when they would exceed `maxValues`.
   */
  static compute(
    model: SequentialModel,
    sequences: readonly number[][],
    maxValues = MAX_CACHED_VALUES,
  ): ReferenceStates | undefined {
    const width = model.config.embeddingSize;
    let positions = 0;
    for (const sequence of sequences) {
      positions += Math.min(sequence.length, model.maxLength + 1) - 1;
    }
    if (positions * width > maxValues) return undefined;

    const rows: Float32Array[] = [];
    for (let start = 0; start < sequences.length; start += FILL_BATCH_SIZE) {
      const part = sequences.slice(start, start + FILL_BATCH_SIZE);
      const batch = buildBatch(part as number[][], model.maxLength);
      const values = tf.tidy(() => {
        const states = scoredStates(model, {
          inputs: tf.tensor2d(batch.inputs, [part.length, model.maxLength],
            'int32'),
          positions: tf.tensor1d(batch.positions, 'int32'),
          targets: tf.tensor1d(batch.targets, 'int32'),
        });
        return states.dataSync() as Float32Array;
      });
      // `buildBatch` lists each row's positions together, in row order.
      let offset = 0;
      for (const sequence of part) {
        const count = Math.min(sequence.length, model.maxLength + 1) - 1;
        rows.push(values.slice(offset * width, (offset + count) * width));
        offset += count;
      }
    }
    return new ReferenceStates(rows, width);
  }

  /**
   * Returns the states of a batch of sequences, by their indices, in the
   * order `buildBatch` lists their positions: `[P, width]`.
   */
  batch(indices: readonly number[]): tf.Tensor2D {
    let size = 0;
    for (const index of indices) size += this.rows[index].length;
    const values = new Float32Array(size);
    let offset = 0;
    for (const index of indices) {
      values.set(this.rows[index], offset);
      offset += this.rows[index].length;
    }
    return tf.tensor2d(values, [size / this.width, this.width]);
  }
}
