/**
 * Per-row column lookup in a score matrix, read on the host. It replaces
 * `tf.gather(scores, indices, 1, 1)`, which the `wasm` backend of
 * tfjs 4.22 cannot run: its GatherV2 with batch dimensions reads out of
 * bounds and aborts the evaluation.
 */
import { tf } from '../engine/index.js';

/**
 * Returns `[batch, width]` scores, where entry (r, c) is
 * `scores[r, columns[r * width + c]]`.
 */
export function pickColumns(
  scores: tf.Tensor2D,
  columns: ArrayLike<number>,
  width: number,
): tf.Tensor2D {
  const [batch, numColumns] = scores.shape;
  const values = scores.dataSync();
  const picked = new Float32Array(batch * width);
  for (let r = 0; r < batch; r++) {
    for (let c = 0; c < width; c++) {
      const column = columns[r * width + c];
      if (!(Number.isInteger(column) && column >= 0 && column < numColumns)) {
        throw new RangeError(
          `Internal error: column ${column} of row ${r} is outside the ` +
            `${numColumns} score columns.`,
        );
      }
      picked[r * width + c] = values[r * numColumns + column];
    }
  }
  return tf.tensor2d(picked, [batch, width]);
}
