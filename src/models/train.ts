/**
 * The training loop shared by the four training nodes. It runs seeded
 * batches through Adam, validates NDCG@10 after every epoch for early
 * stopping and keeps the best weights. It emits progress and metric
 * events and checks for cancellation between steps. A checkpoint at the
 * end of every epoch lets a killed run resume to bit-identical weights on
 * the same backend.
 */
import { tf } from '../engine/index.js';
import { Adam } from './adam.js';
import {
  buildBatch,
  epochBatches,
  positionOwners,
  sampleNegatives,
  type TrainingBatch,
} from './batches.js';
import type { EpochRecord } from './history.js';
import type { SequentialModel } from './model.js';
import { batchLoss, type BatchTensors, type Objective } from './objective.js';
import { Prng } from './prng.js';
import type { TrainingSplit, ValidationCase } from './split.js';
import type {
  TrainContext,
  TrainOptions,
  TrainResult,
} from './train-options.js';
import {
  assignWeights,
  loadTrainState,
  readWeights,
  saveTrainState,
  type EarlyStopping,
} from './train-state.js';
import { sampleCases, validate } from './validation.js';
import { ReferenceStates } from './reference-states.js';
import { ITEM_TABLE_NAMES } from './weights.js';

/** Mutable state of a run between epochs. */
interface RunState {
  epochsDone: number;
  prng: Prng;
  earlyStopping: EarlyStopping;
  history: EpochRecord[];
  bestWeights: Map<string, Float32Array> | undefined;
  resumedFromEpoch?: number;
}

/** Everything fixed for the whole run. */
interface RunSetup {
  model: SequentialModel;
  split: TrainingSplit;
  objective: Objective;
  options: TrainOptions;
  context: TrainContext;
  adam: Adam;
  validationCases: ValidationCase[];
  fingerprint: string;
  /** States of the fixed models of `objective`, per training sequence. */
  references: Map<SequentialModel, ReferenceStates>;
}

/**
 * Trains `model` in place on `split` and leaves it holding the weights of
 * the best validation epoch.
 */
export async function train(
  model: SequentialModel,
  split: TrainingSplit,
  objective: Objective,
  options: TrainOptions,
  context: TrainContext = {},
): Promise<TrainResult> {
  const adam = new Adam(options.adam);
  const setup: RunSetup = {
    model,
    split,
    objective,
    options,
    context,
    adam,
    validationCases: sampleCases(
      split.validation,
      options.validationUsers,
      options.seed,
    ),
    fingerprint: JSON.stringify({
      config: model.config,
      options,
      loss: describeObjective(objective),
    }),
    references: referenceStates(objective, split),
  };
  try {
    const state = await startState(setup);
    while (!state.earlyStopping.finished && state.epochsDone < options.epochs) {
      await runEpoch(setup, state);
    }
    return finish(setup, state);
  } finally {
    adam.dispose();
  }
}

// Fixed models give the same states every epoch, so they run once here
// instead of at every step, unless the states would be too large.
function referenceStates(
  objective: Objective,
  split: TrainingSplit,
): Map<SequentialModel, ReferenceStates> {
  const fixed = new Set<SequentialModel>();
  if (objective.kl) fixed.add(objective.kl.reference);
  if (objective.ranking) fixed.add(objective.ranking.teacher);
  const sequences = split.sequences.map((s) => s.items);
  const references = new Map<SequentialModel, ReferenceStates>();
  for (const model of fixed) {
    const states = ReferenceStates.compute(model, sequences);
    if (states) references.set(model, states);
  }
  return references;
}

function describeObjective(objective: Objective): Record<string, unknown> {
  return {
    loss: objective.loss,
    lossWeight: objective.lossWeight,
    kl: objective.kl ? { temperature: objective.kl.temperature } : null,
    ranking: objective.ranking
      ? { weight: objective.ranking.weight, topK: objective.ranking.topK }
      : null,
    embedding: objective.embedding ? objective.embedding.weight : null,
  };
}

async function startState(setup: RunSetup): Promise<RunState> {
  const fresh: RunState = {
    epochsDone: 0,
    prng: new Prng(trainingSeed(setup.options.seed)),
    earlyStopping: {
      bestEpoch: 0,
      bestNdcg10: -1,
      bestHr10: 0,
      epochsWithoutImprovement: 0,
      finished: false,
    },
    history: [],
    bestWeights: undefined,
  };
  const { workDir, emit } = setup.context;
  if (!workDir) return fresh;

  const loaded = await loadTrainState(
    workDir,
    setup.fingerprint,
    setup.model,
    setup.adam,
  );
  if (loaded.status === 'other-setup') {
    emit?.({
      kind: 'log',
      level: 'warn',
      message:
        'Ignoring a checkpoint written for another config; training from epoch 1.',
    });
  }
  if (loaded.status !== 'resumed') return fresh;

  const { meta } = loaded;
  emit?.({
    kind: 'log',
    level: 'info',
    message: `Resuming from the checkpoint after epoch ${meta.epochsDone}.`,
  });
  return {
    epochsDone: meta.epochsDone,
    prng: new Prng(meta.prng),
    earlyStopping: meta.earlyStopping,
    history: meta.history,
    bestWeights: loaded.bestWeights,
    resumedFromEpoch: meta.epochsDone,
  };
}

// A stream separate from weight initialisation, which uses the seed itself.
function trainingSeed(seed: number): number {
  return (seed ^ 0x5bd1e995) >>> 0;
}

async function runEpoch(setup: RunSetup, state: RunState): Promise<void> {
  const { options, split, context } = setup;
  const epoch = state.epochsDone + 1;
  const batches = epochBatches(
    split.sequences.length,
    options.batchSize,
    state.prng,
  );
  const started = performance.now();
  let lossSum = 0;
  let sequences = 0;

  for (let step = 0; step < batches.length; step++) {
    context.signal?.throwIfAborted();
    const indices = batches[step];
    const rows = indices.map((i) => split.sequences[i].items);
    const loss = trainStep(setup, state.prng, indices, rows, epoch);
    if (!Number.isFinite(loss)) {
      throw new Error(
        `Training loss became ${loss} in epoch ${epoch}, step ${step + 1}: ` +
          `lower \`learningRate\` (now ${options.learningRate}) and run again.`,
      );
    }
    lossSum += loss;
    sequences += rows.length;
    const seconds = (performance.now() - started) / 1000;
    context.emit?.({
      kind: 'progress',
      epoch,
      epochs: options.epochs,
      step: step + 1,
      steps: batches.length,
      loss: lossSum / (step + 1),
      sequencesPerS: sequences / Math.max(seconds, 1e-9),
      validNdcg10: state.history.at(-1)?.validNdcg10,
    });
  }

  const trainSeconds = (performance.now() - started) / 1000;
  context.emit?.({
    kind: 'progress',
    epoch,
    epochs: options.epochs,
    phase: 'validating',
  });
  const metrics = validate(setup.model, setup.validationCases);
  const record: EpochRecord = {
    epoch,
    loss: lossSum / batches.length,
    validHr10: metrics.hr10,
    validNdcg10: metrics.ndcg10,
    trainSeconds,
    sequencesPerS: sequences / Math.max(trainSeconds, 1e-9),
  };
  state.history.push(record);
  state.epochsDone = epoch;
  await updateEarlyStopping(setup, state, record);
  emitEpochMetrics(context, record);
  if (context.workDir) {
    await saveTrainState(
      context.workDir,
      {
        fingerprint: setup.fingerprint,
        epochsDone: state.epochsDone,
        prng: state.prng.state(),
        earlyStopping: state.earlyStopping,
        history: state.history,
      },
      setup.model,
      setup.adam,
      state.bestWeights,
    );
  }
}

async function updateEarlyStopping(
  setup: RunSetup,
  state: RunState,
  record: EpochRecord,
): Promise<void> {
  const stopping = state.earlyStopping;
  if (record.validNdcg10 > stopping.bestNdcg10) {
    stopping.bestEpoch = record.epoch;
    stopping.bestNdcg10 = record.validNdcg10;
    stopping.bestHr10 = record.validHr10;
    stopping.epochsWithoutImprovement = 0;
    state.bestWeights = await readWeights(setup.model);
  } else {
    stopping.epochsWithoutImprovement += 1;
  }
  const { patience, epochs } = setup.options;
  const outOfPatience =
    patience > 0 && stopping.epochsWithoutImprovement >= patience;
  stopping.finished = outOfPatience || record.epoch >= epochs;
}

function emitEpochMetrics(context: TrainContext, record: EpochRecord): void {
  const emit = context.emit;
  if (!emit) return;
  const { epoch } = record;
  emit({ kind: 'metric', name: 'train.loss', value: record.loss, epoch });
  emit({ kind: 'metric', name: 'valid.hr@10', value: record.validHr10, epoch });
  emit({
    kind: 'metric',
    name: 'valid.ndcg@10',
    value: record.validNdcg10,
    epoch,
  });
}

/** Runs one Adam step on a batch of sequences and returns its loss. */
function trainStep(
  setup: RunSetup,
  prng: Prng,
  indices: number[],
  rows: number[][],
  epoch: number,
): number {
  const { model, objective, options } = setup;
  const batch = buildBatch(rows, model.maxLength);
  // Negatives are drawn before dropout masks, in the same order every run.
  const negatives =
    objective.loss === 'bce'
      ? sampleNegatives(
          rows,
          positionOwners(batch, model.maxLength),
          model.numItems,
          prng,
        )
      : undefined;

  return tf.tidy(() => {
    const tensors = batchTensors(batch, model.maxLength, negatives);
    tensors.references = new Map(
      [...setup.references].map(([fixed, states]) => [
        fixed,
        states.batch(indices),
      ]),
    );
    const loss = batchLoss(model, objective, tensors, epoch, prng);
    const trainable = trainableVariables(model, options, epoch);
    const { value, grads } = tf.variableGrads(loss, trainable.list);
    const named: Record<string, tf.Tensor> = {};
    for (const [tfName, grad] of Object.entries(grads)) {
      named[trainable.names.get(tfName) as string] = grad;
    }
    setup.adam.apply(model.variables, named, (name) =>
      learningRate(name, options),
    );
    return value.dataSync()[0];
  });
}

function batchTensors(
  batch: TrainingBatch,
  maxLength: number,
  negatives: Int32Array | undefined,
): BatchTensors {
  return {
    inputs: tf.tensor2d(batch.inputs, [batch.size, maxLength], 'int32'),
    positions: tf.tensor1d(batch.positions, 'int32'),
    targets: tf.tensor1d(batch.targets, 'int32'),
    negatives: negatives ? tf.tensor1d(negatives, 'int32') : undefined,
  };
}

/** Lists the variables updated in `epoch`, with our name per tfjs name. */
function trainableVariables(
  model: SequentialModel,
  options: TrainOptions,
  epoch: number,
): { list: tf.Variable[]; names: Map<string, string> } {
  const frozen = epoch <= (options.freezeEpochs ?? 0);
  const list: tf.Variable[] = [];
  const names = new Map<string, string>();
  for (const [name, variable] of model.variables) {
    if (frozen && ITEM_TABLE_NAMES.includes(name)) continue;
    list.push(variable);
    names.set(variable.name, name);
  }
  return { list, names };
}

function learningRate(name: string, options: TrainOptions): number {
  if (ITEM_TABLE_NAMES.includes(name)) {
    return options.embeddingLearningRate ?? options.learningRate;
  }
  return options.learningRate;
}

function finish(setup: RunSetup, state: RunState): TrainResult {
  if (state.bestWeights) assignWeights(setup.model, state.bestWeights);
  const stopping = state.earlyStopping;
  return {
    history: state.history,
    bestEpoch: stopping.bestEpoch,
    bestValidNdcg10: Math.max(stopping.bestNdcg10, 0),
    bestValidHr10: stopping.bestHr10,
    epochsRun: state.epochsDone,
    finalLoss: state.history.at(-1)?.loss ?? Number.NaN,
    stoppedEarly: state.epochsDone < setup.options.epochs,
    resumedFromEpoch: state.resumedFromEpoch,
  };
}
