/**
 * The job file bench/train.ts writes for both trainers, ours
 * (bench/run-ours.ts) and the PyTorch reference
 * (bench/reference/sasrec.py), their JSON result, and the weights file
 * they both start from.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { AdamOptions } from '../../src/models/adam.js';
import type { ModelConfig } from '../../src/models/config.js';
import type { SequentialModel } from '../../src/models/model.js';
import { weightShapes } from '../../src/models/weights.js';

/** Everything one training run needs, shared by both implementations. */
export interface TrainJob {
  config: ModelConfig;
  /**
   * Float32 little-endian weights back to back, in the order of
   * `weightShapes`.
   */
  weightsPath: string;
  /** Product weight names (src/models/weights.ts) and shapes, in order. */
  weightShapes: [string, number[]][];
  /** JSON of `BenchData`. */
  dataPath: string;
  /** Per epoch, the batches as indices into `BenchData.sequences`. */
  batches: number[][][];
  /** Stop after this many steps; 0 runs every epoch in full. */
  maxSteps: number;
  learningRate: number;
  adam: AdamOptions;
  /** Positions per chunk of our full-softmax loss; PyTorch ignores it. */
  chunkSize: number;
  /** Seed of the dropout masks; each side draws its own. */
  dropoutSeed: number;
  /** Threads of BLAS (ours) and of PyTorch's intra-op pool. */
  threads: number;
  /** Whether to rank every test case after training. */
  evaluate: boolean;
  /** Test users per scoring call. */
  evaluateBatchSize: number;
}

/** What each trainer prints as its last stdout line. */
export interface TrainResult {
  /** Loss of each step, before its update. */
  losses: number[];
  /** Wall-clock seconds of each epoch that ran to its end. */
  epochSeconds: number[];
  /** Wall-clock seconds of each step, building the batch included. */
  stepSeconds: number[];
  /** CPU seconds (user + system, all threads) of each step. */
  stepCpuSeconds: number[];
  /** Mean full-ranking NDCG@10 over the test cases, when evaluated. */
  ndcg10?: number;
  /** Test users scored and ranked per second, when evaluated. */
  evalUsersPerSecond?: number;
  /** Peak resident set size of the trainer's process, in MiB. */
  peakRssMb: number;
  /** TensorFlow.js backend (ours) or `torch <version>` (reference). */
  backend: string;
  threads: number;
}

/** Lists the model's weight names and shapes in the product's order. */
export function weightManifest(config: ModelConfig): [string, number[]][] {
  return [...weightShapes(config)];
}

/** Writes every weight of `model` as one float32 file, in manifest order. */
export function writeWeights(path: string, model: SequentialModel): void {
  const parts = weightManifest(model.config).map(([name]) => {
    const values = model.weight(name).dataSync() as Float32Array;
    return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  });
  writeFileSync(path, Buffer.concat(parts));
}

/** Reads a file written by `writeWeights` into values by weight name. */
export function readWeightValues(
  path: string,
  manifest: [string, number[]][],
): Map<string, Float32Array> {
  const bytes = readFileSync(path);
  const flat = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  const values = new Map<string, Float32Array>();
  let offset = 0;
  for (const [name, shape] of manifest) {
    const size = shape.reduce((a, b) => a * b, 1);
    values.set(name, flat.slice(offset, offset + size));
    offset += size;
  }
  if (offset !== flat.length) {
    throw new Error(
      `Weights file \`${path}\` contains ${flat.length} floats, but its ` +
        `manifest expects ${offset}: write both from the same config.`,
    );
  }
  return values;
}
