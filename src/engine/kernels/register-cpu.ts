/**
 * Replaces the `cpu` backend's matrix-product kernels with native BLAS
 * ones. Gradients need no change: tfjs-core's gradient of BatchMatMul is
 * itself written with matMul, so backward passes reach these kernels too.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { float32Values } from './cpu-values.js';
import type { Blas } from '../blas/load-blas.js';
import { batchMatMul, matMulProblem } from './batch-matmul.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Kernel names this module replaces on the `cpu` backend. */
export const CPU_BLAS_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

const stockKernels = new Map<string, tf.KernelConfig>();

function callStock(name: string, args: KernelArgs): tf.TensorInfo {
  const stock = stockKernels.get(name);
  if (!stock) {
    throw new Error(`Internal error: stock cpu kernel \`${name}\` missing`);
  }
  return stock.kernelFunc(args) as tf.TensorInfo;
}

function blasProduct(
  blas: Blas,
  args: KernelArgs,
): { values: Float32Array; shape: number[] } | undefined {
  const backend = args.backend as MathBackendCPU;
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const aValues = float32Values(backend, a);
  const bValues = float32Values(backend, b);
  if (!aValues || !bValues) return undefined;
  const problem = matMulProblem(a, b, args.attrs);
  return batchMatMul(blas, problem, aValues, bValues);
}

function batchMatMulKernel(blas: Blas): tf.KernelFunc {
  return (args) => {
    const product = blasProduct(blas, args);
    // int32 products are rare and small; the stock loop handles them.
    if (!product) return callStock('BatchMatMul', args);
    const backend = args.backend as MathBackendCPU;
    return backend.makeTensorInfo(product.shape, 'float32', product.values);
  };
}

// Adds a bias of shape [n] or [1] and applies relu or linear in place;
// other biases and activations go to the stock kernel.
function fusedMatMulKernel(blas: Blas): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as MathBackendCPU;
    const inputs = args.inputs as { bias?: tf.TensorInfo };
    const attrs = args.attrs as { activation?: string };
    const activation = attrs.activation ?? 'linear';
    const bias = inputs.bias ? float32Values(backend, inputs.bias) : undefined;
    const simpleBias = !inputs.bias ||
      (bias !== undefined && inputs.bias.shape.length <= 1);
    const simpleActivation = activation === 'linear' || activation === 'relu';
    if (!simpleBias || !simpleActivation) return callStock('_FusedMatMul', args);

    const product = blasProduct(blas, args);
    if (!product) return callStock('_FusedMatMul', args);
    const columns = product.shape[product.shape.length - 1]!;
    if (bias && bias.length !== columns && bias.length !== 1) {
      return callStock('_FusedMatMul', args);
    }
    applyBiasAndRelu(product.values, columns, bias, activation === 'relu');
    return backend.makeTensorInfo(product.shape, 'float32', product.values);
  };
}

function applyBiasAndRelu(
  values: Float32Array,
  columns: number,
  bias: Float32Array | undefined,
  relu: boolean,
): void {
  if (bias) {
    const broadcastScalar = bias.length === 1;
    for (let i = 0; i < values.length; i++) {
      values[i] += broadcastScalar ? bias[0]! : bias[i % columns]!;
    }
  }
  if (relu) {
    for (let i = 0; i < values.length; i++) {
      if (values[i]! < 0) values[i] = 0;
    }
  }
}

/**
 * Registers the BLAS kernels on the `cpu` backend, keeping the stock ones
 * for inputs they do not cover. Calling it again re-binds to `blas`.
 */
export function registerCpuBlasKernels(blas: Blas): void {
  const factories: Record<(typeof CPU_BLAS_KERNELS)[number], tf.KernelFunc> = {
    BatchMatMul: batchMatMulKernel(blas),
    _FusedMatMul: fusedMatMulKernel(blas),
  };

  for (const name of CPU_BLAS_KERNELS) {
    const current = tf.getKernel(name, 'cpu');
    if (!current) {
      throw new Error(`Internal error: cpu backend lacks kernel \`${name}\``);
    }
    if (!stockKernels.has(name)) stockKernels.set(name, current);
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ ...current, kernelFunc: factories[name] });
  }
}

/** Restores the stock `cpu` kernels, for the fallback path and tests. */
export function unregisterCpuBlasKernels(): void {
  for (const [name, stock] of stockKernels) {
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel(stock);
  }
  stockKernels.clear();
}
