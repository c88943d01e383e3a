/**
 * Row lookup and its gradient on Float32Arrays.
 *
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

/**
 * Returns whether a GatherV2 call looks up whole rows: axis 0, no batch
 * dimensions, one-dimensional int32 indices. Both backends' row kernels
 * handle only this case.
 */
export function isRowGather(
  x: { shape: readonly number[] },
  indices: { shape: readonly number[]; dtype: string },
  attrs: { axis: number; batchDims?: number },
): boolean {
  return (
    x.shape.length >= 1 &&
    (attrs.axis === 0 || attrs.axis === -x.shape.length) &&
    (attrs.batchDims ?? 0) === 0 &&
    indices.shape.length === 1 &&
    indices.dtype === 'int32'
  );
}

/**
 * Returns rows `ids` of `x` (shape `shape`, gathered along the first
 * axis), or undefined when an id is outside `[0, shape[0])`.
 */
export function gatherRowBlocks(
  x: Float32Array,
  shape: readonly number[],
  ids: Int32Array,
): Float32Array | undefined {
  const rows = shape[0]!;
  const width = shape.slice(1).reduce((product, d) => product * d, 1);
  const out = new Float32Array(ids.length * width);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= rows) return undefined;
    out.set(x.subarray(id * width, (id + 1) * width), i * width);
  }
  return out;
}
