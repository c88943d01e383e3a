/** Access to the `cpu` backend's stored arrays for the project's kernels. */
import type * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * Returns the Float32Array behind `tensor`, or undefined for other dtypes
 * so the caller can hand the call to the stock kernel.
 */
export function float32Values(
  backend: MathBackendCPU,
  tensor: tf.TensorInfo,
): Float32Array | undefined {
  const values = backend.data.get(tensor.dataId).values;
  return values instanceof Float32Array ? values : undefined;
}
