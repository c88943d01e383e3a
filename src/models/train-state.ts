/**
 * The resumable state of a training run and its checkpoint form:
 * weights, best weights, Adam moments and steps, the generator state,
 * early-stopping counters and the history so far.
 */
import { tf } from '../engine/index.js';
import { Adam } from './adam.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { EpochRecord } from './history.js';
import type { SequentialModel } from './model.js';
import type { PrngState } from './prng.js';

/** Early-stopping counters. */
export interface EarlyStopping {
  bestEpoch: number;
  bestNdcg10: number;
  bestHr10: number;
  /** Epochs since the last improvement. */
  epochsWithoutImprovement: number;
  /** Whether training has ended (early stop or last epoch). */
  finished: boolean;
}

/** Checkpoint metadata (the JSON header). */
export interface TrainMeta {
  /**
   * JSON of the config and options, so a checkpoint from another setup
   * is not resumed by mistake.
   */
  fingerprint: string;
  epochsDone: number;
  prng: PrngState;
  adamSteps: Record<string, number>;
  earlyStopping: EarlyStopping;
  history: EpochRecord[];
}

/** Everything a resumed run needs besides the model and the optimizer. */
export interface ResumedState {
  meta: TrainMeta;
  bestWeights: Map<string, Float32Array> | undefined;
}

const WEIGHT_PREFIX = 'weight/';
const BEST_PREFIX = 'best/';
const ADAM_PREFIX = 'adam/';

/** Copies every variable's values out of the model. */
export async function readWeights(
  model: SequentialModel,
): Promise<Map<string, Float32Array>> {
  const values = new Map<string, Float32Array>();
  for (const [name, variable] of model.variables) {
    values.set(name, (await variable.data()) as Float32Array);
  }
  return values;
}

/** Overwrites the model's variables with `values`. */
export function assignWeights(
  model: SequentialModel,
  values: Map<string, Float32Array>,
): void {
  tf.tidy(() => {
    for (const [name, variable] of model.variables) {
      const value = values.get(name);
      if (!value) {
        throw new Error(
          `Saved weights have no \`${name}\`: delete the checkpoint to ` +
            'train from the start.',
        );
      }
      variable.assign(tf.tensor(value, variable.shape));
    }
  });
}

/** Writes the run's state into `dir`. */
export async function saveTrainState(
  dir: string,
  meta: Omit<TrainMeta, 'adamSteps'>,
  model: SequentialModel,
  adam: Adam,
  bestWeights: Map<string, Float32Array> | undefined,
): Promise<void> {
  const tensors = new Map<string, Float32Array>();
  for (const [name, values] of await readWeights(model)) {
    tensors.set(WEIGHT_PREFIX + name, values);
  }
  for (const [name, values] of bestWeights ?? []) {
    tensors.set(BEST_PREFIX + name, values);
  }
  const adamState = await adam.state();
  for (const [name, values] of adamState.moments) {
    tensors.set(ADAM_PREFIX + name, values);
  }
  await saveCheckpoint<TrainMeta>(dir, {
    meta: { ...meta, adamSteps: adamState.steps },
    tensors,
  });
}

/** Result of `loadTrainState`: the checkpoint found, if any. */
export type LoadedState =
  | { status: 'none' }
  | { status: 'other-setup' }
  | ({ status: 'resumed' } & ResumedState);

/**
 * Restores the model and optimizer from the checkpoint in `dir`, unless
 * there is none or it was written for another config or options.
 */
export async function loadTrainState(
  dir: string,
  fingerprint: string,
  model: SequentialModel,
  adam: Adam,
): Promise<LoadedState> {
  const checkpoint = await loadCheckpoint<TrainMeta>(dir);
  if (!checkpoint) return { status: 'none' };
  if (checkpoint.meta.fingerprint !== fingerprint)
    return { status: 'other-setup' };
  const weights = withoutPrefix(checkpoint.tensors, WEIGHT_PREFIX);
  const best = withoutPrefix(checkpoint.tensors, BEST_PREFIX);
  assignWeights(model, weights);
  adam.restore(
    {
      steps: checkpoint.meta.adamSteps,
      moments: withoutPrefix(checkpoint.tensors, ADAM_PREFIX),
    },
    model.variables,
  );
  return {
    status: 'resumed',
    meta: checkpoint.meta,
    bestWeights: best.size > 0 ? best : undefined,
  };
}

function withoutPrefix(
  tensors: Map<string, Float32Array>,
  prefix: string,
): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, values] of tensors) {
    if (name.startsWith(prefix)) out.set(name.slice(prefix.length), values);
  }
  return out;
}
