/**
 * Turning item histories into fixed-length, left-padded model inputs.
 */

/**
 * Left-pads (with 0) or truncates each history to its latest `maxLength`
 * items and returns the rows back to back, `[histories.length, maxLength]`.
 */
export function padHistories(
  histories: number[][],
  maxLength: number,
): Int32Array {
  const out = new Int32Array(histories.length * maxLength);
  histories.forEach((history, row) => {
    const kept = history.slice(-maxLength);
    out.set(kept, row * maxLength + maxLength - kept.length);
  });
  return out;
}
