/**
 * `UnsortedSegmentSum` on Float32Arrays: the gradient of `tf.gather`.
 * tfjs-backend-cpu 4.22 builds an equality mask per segment, which costs
 * rows x segments x width operations, so the gradient of an embedding
 * lookup over thousands of items dominated a training step. This kernel
 * makes one pass over the rows.
 */

/**
 * Sums the rows of `x` (`rows` rows of `width` values) into
 * `numSegments` output rows by `segmentIds`. Ids outside
 * `[0, numSegments)` are dropped, as in TensorFlow.
 */
export function unsortedSegmentSum(
  x: Float32Array,
  segmentIds: ArrayLike<number>,
  width: number,
  numSegments: number,
): Float32Array {
  const out = new Float32Array(numSegments * width);
  for (let row = 0; row < segmentIds.length; row++) {
    const segment = segmentIds[row]!;
    if (segment < 0 || segment >= numSegments) continue;
    const source = row * width;
    const target = segment * width;
    for (let j = 0; j < width; j++) out[target + j]! += x[source + j]!;
  }

  return out;
}
