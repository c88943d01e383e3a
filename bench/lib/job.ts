/**
 * The job file that bench/train.ts writes for both trainers: ours
 * (bench/run-ours.ts) and the PyTorch reference (bench/reference/sasrec.py).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tf } from '../../src/engine/index.js';
import type { SasrecConfig, Weights } from './sasrec.js';

/** Everything one training run needs, shared by both implementations. */
export interface TrainJob {
  config: SasrecConfig;
  /** Float32 little-endian weights, concatenated in `weightShapes` order. */
  weightsPath: string;
  weightShapes: [string, number[]][];
  /** JSON of `BenchData`. */
  dataPath: string;
  /** User order of each epoch. */
  orders: number[][];
  batchSize: number;
  /** Stop after this many steps; 0 runs every epoch in full. */
  maxSteps: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  threads: number;
  evaluate: boolean;
}

/** What each trainer prints as its last stdout line. */
export interface TrainResult {
  losses: number[];
  epochSeconds: number[];
  /** Wall-clock seconds of each step. */
  stepSeconds: number[];
  /** CPU seconds (user + system, all threads) of each step. */
  stepCpuSeconds: number[];
  ndcg10?: number;
  evalUsersPerSecond?: number;
  maxRssMb: number;
  backend?: string;
  torch?: string;
  threads?: number;
}

/** Writes `weights` in the order of `shapes` as one float32 file. */
export function writeWeights(path: string, weights: Weights, shapes: [string, number[]][]): void {
  const parts = shapes.map(([name]) => Buffer.from(weights.get(name)!.dataSync<'float32'>().buffer));
  writeFileSync(path, Buffer.concat(parts));
}

/** Reads a weights file written by `writeWeights` into variables. */
export function readWeights(path: string, shapes: [string, number[]][]): Weights {
  const bytes = readFileSync(path);
  const flat = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const weights: Weights = new Map();
  let offset = 0;
  for (const [name, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = flat.slice(offset, offset + size);
    weights.set(name, tf.variable(tf.tensor(values, shape), true, name));
    offset += size;
  }
  if (offset !== flat.length) {
    throw new Error(`weights file \`${path}\` holds ${flat.length} floats, expected ${offset}`);
  }

  return weights;
}
