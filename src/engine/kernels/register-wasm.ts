/**
 * Replaces the `wasm` backend's BatchMatMul with native BLAS. The stock
 * wasm build uses XNNPACK only for plain 2-D products and a scalar loop for
 * every batched one, which includes attention and most matmul gradients.
 * The operands live in the wasm heap, so BLAS reads and writes them there
 * through views, without copies.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Blas } from '../blas/load-blas.js';
import { batchMatMul, matMulProblem, planMatMul } from './batch-matmul.js';
import {
  gatherRowBlocks,
  isRowGather,
  unsortedSegmentSum,
} from './segment-sum.js';

let stockBatchMatMul: tf.KernelConfig | undefined;
let stockGather: tf.KernelConfig | undefined;

/**
 * Returns a float32 view of a tensor's data in the wasm heap, without a
 * copy. The view is valid until the next allocation on the backend.
 */
export function heapView(
  backend: BackendWasm,
  tensor: tf.TensorInfo,
): Float32Array {
  const offset = backend.dataIdMap.get(tensor.dataId)!.memoryOffset;
  const size = tensor.shape.reduce((product, d) => product * d, 1);
  // The heap buffer is replaced when memory grows, so take a fresh view
  // after every allocation.
  const heap = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
  return new Float32Array(heap.buffer, offset, size);
}

/**
 * Returns a float32 tensor's data without a copy on `wasm`, as a view
 * valid until the backend's next allocation, and as a copy elsewhere.
 */
export function floatData(tensor: tf.Tensor): Float32Array {
  return tf.getBackend() === 'wasm'
    ? heapView(tf.backend() as BackendWasm, tensor)
    : (tensor.dataSync() as Float32Array);
}

function wasmBatchMatMul(blas: Blas): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') {
      return stockBatchMatMul!.kernelFunc(args) as tf.TensorInfo;
    }
    const problem = matMulProblem(a, b, args.attrs);
    const { outShape } = planMatMul(problem);
    const out = backend.makeOutput(outShape, 'float32');
    // The views are taken after `makeOutput`, whose allocation may grow
    // the heap and detach earlier ones. BLAS writes the result in place.
    batchMatMul(blas, problem, heapView(backend, a), heapView(backend, b),
      heapView(backend, out));
    return out;
  };
}

// tfjs-backend-wasm 4.22 has no UnsortedSegmentSum, which the gradient of
// tf.gather (every embedding lookup) needs; this one runs in JS on views.
const wasmSegmentSum: tf.KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  const { x, segmentIds } = args.inputs as {
    x: tf.TensorInfo;
    segmentIds: tf.TensorInfo;
  };
  const { numSegments } = args.attrs as { numSegments: number };
  if (x.dtype !== 'float32' || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(
      `UnsortedSegmentSum on wasm supports float32 data with one id per ` +
        `row, received ${x.dtype} [${x.shape}] and ids [${segmentIds.shape}]`,
    );
  }
  const width = x.shape.slice(1).reduce((product, d) => product * d, 1);
  const outShape = [numSegments, ...x.shape.slice(1)];
  const out = backend.makeOutput(outShape, 'float32');
  const ids = backend.readSync(segmentIds.dataId) as Int32Array;
  const sums = unsortedSegmentSum(heapView(backend, x), ids, width,
    numSegments);
  heapView(backend, out).set(sums);
  return out;
};

// Row lookup (axis 0, no batch dimensions) as one block copy per id. The
// stock wasm GatherV2 took about 25 ms for 6,400 rows of 64 values.
const wasmGather: tf.KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  const { x, indices } = args.inputs as {
    x: tf.TensorInfo;
    indices: tf.TensorInfo;
  };
  const rowsOnly = x.dtype === 'float32' &&
    isRowGather(x, indices, args.attrs as { axis: number; batchDims: number });
  const ids = rowsOnly
    ? (backend.readSync(indices.dataId) as Int32Array)
    : undefined;
  const rows = ids && gatherRowBlocks(heapView(backend, x), x.shape, ids);
  // Other cases, and out-of-range ids, get the stock kernel.
  if (!rows) return stockGather!.kernelFunc(args) as tf.TensorInfo;
  const out = backend.makeOutput(
    [indices.shape[0]!, ...x.shape.slice(1)],
    'float32',
  );
  heapView(backend, out).set(rows);
  return out;
};

// tfjs-core clones every tensor it saves for the backward pass through
// Identity, and the stock wasm Identity copies the data: about a hundred
// full-size copies per training step. Tensors are immutable, so the clone
// can share the data and count a reference, as the cpu backend does.
const wasmIdentity: tf.KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

/**
 * Registers the missing UnsortedSegmentSum, the row GatherV2 and a
 * sharing Identity on the `wasm` backend.
 */
export function registerWasmJsKernels(): void {
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: wasmSegmentSum,
    });
  }
  if (stockGather) return;
  const identity = tf.getKernel('Identity', 'wasm');
  if (!identity) throw new Error('Internal error: wasm backend lacks Identity');
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...identity, kernelFunc: wasmIdentity });
  const current = tf.getKernel('GatherV2', 'wasm');
  if (!current) throw new Error('Internal error: wasm backend lacks GatherV2');
  stockGather = current;
  tf.unregisterKernel('GatherV2', 'wasm');
  tf.registerKernel({ ...current, kernelFunc: wasmGather });
}

/** Registers the BLAS BatchMatMul on the `wasm` backend. */
export function registerWasmBlasKernels(blas: Blas): void {
  const current = tf.getKernel('BatchMatMul', 'wasm');
  if (!current) {
    throw new Error('Internal error: wasm backend lacks `BatchMatMul`');
  }
  stockBatchMatMul ??= current;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...current, kernelFunc: wasmBatchMatMul(blas) });
}

/** Restores the stock wasm BatchMatMul. */
export function unregisterWasmBlasKernels(): void {
  if (!stockBatchMatMul) return;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(stockBatchMatMul);
  stockBatchMatMul = undefined;
}
