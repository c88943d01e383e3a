/**
 * Replaces `cpu` backend kernels whose stock versions are slow for
 * training: broadcasting arithmetic, Softmax, UnsortedSegmentSum, and the
 * row cases of GatherV2 and ScatterNd. They
 * are plain JS and need no native library, so they are registered whether
 * or not BLAS loaded.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { float32Values } from './cpu-values.js';
import {
  broadcastBinary,
  broadcastShape,
  softmaxRows,
  type BinaryOp,
} from './broadcast-binary.js';
import {
  gatherRowBlocks,
  isRowGather,
  unsortedSegmentSum,
} from './segment-sum.js';

/** Kernel names this module replaces, with the operation of each. */
const BINARY_KERNELS: Record<string, BinaryOp> = {
  Add: 'add',
  Sub: 'sub',
  Multiply: 'mul',
  RealDiv: 'div',
  SquaredDifference: 'squaredDifference',
};

/** Every kernel name this module replaces on the `cpu` backend. */
export const CPU_JS_KERNELS = [
  ...Object.keys(BINARY_KERNELS),
  'Softmax',
  'UnsortedSegmentSum',
  'GatherV2',
  'ScatterNd',
];

const stockKernels = new Map<string, tf.KernelConfig>();

type KernelArgs = Parameters<tf.KernelFunc>[0];

function stock(name: string, args: KernelArgs): tf.TensorInfo {
  return stockKernels.get(name)!.kernelFunc(args) as tf.TensorInfo;
}

function binaryKernel(name: string, op: BinaryOp): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as MathBackendCPU;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const aValues = float32Values(backend, a);
    const bValues = float32Values(backend, b);
    const outShape = broadcastShape(a.shape, b.shape);
    // Other dtypes and invalid shapes get the stock kernel and its errors.
    if (!aValues || !bValues || !outShape) return stock(name, args);
    const values = broadcastBinary(op, aValues, a.shape, bValues, b.shape,
      outShape);
    return backend.makeTensorInfo(outShape, 'float32', values);
  };
}

const softmaxKernel: tf.KernelFunc = (args) => {
  const backend = args.backend as MathBackendCPU;
  const { logits } = args.inputs as { logits: tf.TensorInfo };
  const { dim } = args.attrs as { dim: number };
  const rank = logits.shape.length;
  const values = float32Values(backend, logits);
  const lastAxis = dim === -1 || dim === rank - 1;
  if (!values || !lastAxis || rank === 0) return stock('Softmax', args);
  const columns = logits.shape[rank - 1]!;
  const out = columns === 0 ? new Float32Array(0) : softmaxRows(values, columns);
  return backend.makeTensorInfo([...logits.shape], 'float32', out);
};

const segmentSumKernel: tf.KernelFunc = (args) => {
  const backend = args.backend as MathBackendCPU;
  const { x, segmentIds } = args.inputs as {
    x: tf.TensorInfo;
    segmentIds: tf.TensorInfo;
  };
  const { numSegments } = args.attrs as { numSegments: number };
  const values = float32Values(backend, x);
  const ids = backend.data.get(segmentIds.dataId).values as Int32Array;
  // Only ids shaped like x's first dimension are the gather-gradient case.
  const simple = segmentIds.shape.length === 1 && x.shape.length >= 1 &&
    segmentIds.shape[0] === x.shape[0];
  if (!values || !simple) return stock('UnsortedSegmentSum', args);
  const width = x.shape.slice(1).reduce((product, d) => product * d, 1);
  const out = unsortedSegmentSum(values, ids, width, numSegments);
  const shape = [numSegments, ...x.shape.slice(1)];
  return backend.makeTensorInfo(shape, 'float32', out);
};

// Row lookup (axis 0, no batch dimensions): one block copy per index
// instead of the stock kernel's index arithmetic per element.
const gatherKernel: tf.KernelFunc = (args) => {
  const backend = args.backend as MathBackendCPU;
  const { x, indices } = args.inputs as {
    x: tf.TensorInfo;
    indices: tf.TensorInfo;
  };
  const values = float32Values(backend, x);
  const ids = backend.data.get(indices.dataId).values;
  const rowsOnly = ids instanceof Int32Array &&
    isRowGather(x, indices, args.attrs as { axis: number; batchDims: number });
  if (!values || !rowsOnly) return stock('GatherV2', args);
  const out = gatherRowBlocks(values, x.shape, ids);
  // Out-of-range ids get the stock kernel, which reports them.
  if (!out) return stock('GatherV2', args);
  const shape = [indices.shape[0]!, ...x.shape.slice(1)];
  return backend.makeTensorInfo(shape, 'float32', out);
};

// Scatter-add of rows (`indices` of shape [n, 1]): the gradient of a row
// lookup.
const scatterKernel: tf.KernelFunc = (args) => {
  const backend = args.backend as MathBackendCPU;
  const { indices, updates } = args.inputs as {
    indices: tf.TensorInfo;
    updates: tf.TensorInfo;
  };
  const { shape } = args.attrs as unknown as { shape: number[] };
  const values = float32Values(backend, updates);
  const ids = backend.data.get(indices.dataId).values;
  const rowsOnly = indices.shape.length === 2 && indices.shape[1] === 1 &&
    ids instanceof Int32Array && shape.length >= 1 &&
    updates.shape[0] === indices.shape[0] &&
    updates.shape.slice(1).join() === shape.slice(1).join();
  if (!values || !rowsOnly) return stock('ScatterNd', args);
  const width = shape.slice(1).reduce((product, d) => product * d, 1);
  for (const id of ids) {
    if (id < 0 || id >= shape[0]!) return stock('ScatterNd', args);
  }
  const out = unsortedSegmentSum(values, ids, width, shape[0]!);
  return backend.makeTensorInfo([...shape], 'float32', out);
};

/** Registers the plain-JS kernels on the `cpu` backend. */
export function registerCpuJsKernels(): void {
  const replacements = new Map<string, tf.KernelFunc>(
    Object.entries(BINARY_KERNELS).map(([name, op]) => [
      name,
      binaryKernel(name, op),
    ]),
  );
  replacements.set('Softmax', softmaxKernel);
  replacements.set('UnsortedSegmentSum', segmentSumKernel);
  replacements.set('GatherV2', gatherKernel);
  replacements.set('ScatterNd', scatterKernel);

  for (const [name, kernelFunc] of replacements) {
    const current = tf.getKernel(name, 'cpu');
    if (!current) {
      throw new Error(`Internal error: cpu backend lacks kernel \`${name}\``);
    }
    if (!stockKernels.has(name)) stockKernels.set(name, current);
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ ...current, kernelFunc });
  }
}

/** Restores the stock kernels that `registerCpuJsKernels` replaced. */
export function unregisterCpuJsKernels(): void {
  for (const [name, config] of stockKernels) {
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel(config);
  }
  stockKernels.clear();
}
