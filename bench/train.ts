/**
 * Trains the product's student and teacher (src/models) with our engine
 * and with the PyTorch reference in one invocation. Both sides start from
 * the same initial weights and follow the same batches and
 * hyperparameters. The script prints the time ratio per epoch, NDCG@10,
 * evaluation speed and peak memory of both.
 *
 *   nice -n 10 npm run bench:train -- [--epochs N] [--steps N]
 *     [--parity-steps N] [--roles teacher,student] [--dropout R]
 *     [--length L] [--threads N] [--pipeline FILE]
 *
 * Models, data filters and hyperparameters come from the pipeline file
 * (default pipelines/movielens-100k.yaml) with the node defaults filled
 * in. `--length` sets `vars.maxLength` (default 50; 200 is the SASRec
 * paper's MovieLens-1M setting). `--steps N` stops each trainer after N
 * steps and scales the mean step time to an epoch; 0 (the default) trains
 * `--epochs` full epochs. `--dropout` replaces the nodes' rate.
 * `--threads` sets our BLAS threads and PyTorch's intra-op threads
 * (default: the cores this process may use).
 *
 * Before timing, each role trains `--parity-steps` steps with dropout off
 * on both sides from the same weights, then ranks the test users. The
 * script prints both loss lists and their largest relative difference,
 * and the JSON line has both NDCG@10 values of that run. The last lines
 * of output are one JSON result per role, in `--roles` order. Set
 * DISTILLERY_DATA to the datasets folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initEngine } from '../src/engine/index.js';
import { readBenchSetup, type BenchSetup } from './lib/configs.js';
import { dataRoot, loadBenchData, type BenchData } from './lib/data.js';
import { weightManifest, writeWeights, type TrainJob } from './lib/job.js';
import { batchOrder, createModels, type BenchRole } from './lib/models.js';
import { ensureTorch, runOurs, runReference } from './lib/runners.js';
import {
  maxRelativeDifference,
  PARITY_TOLERANCE,
  summarize,
} from './lib/summary.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Seed of the batch order, shared by both trainers. */
const BATCH_ORDER_SEED = 29;

/**
 * Seed of the dropout masks. Each side draws them with its own generator,
 * so the timed runs with dropout train on different masks.
 */
const DROPOUT_SEED = 31;

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '2' },
    steps: { type: 'string', default: '0' },
    'parity-steps': { type: 'string', default: '5' },
    roles: { type: 'string', default: 'teacher,student' },
    dropout: { type: 'string' },
    length: { type: 'string', default: '50' },
    threads: { type: 'string', default: String(availableParallelism()) },
    pipeline: { type: 'string', default: 'pipelines/movielens-100k.yaml' },
  },
});

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function positiveInteger(name: string, value: string, min: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) {
    throw new Error(
      `\`--${name}\` must be an integer of at least ${min}, got \`${value}\`.`,
    );
  }
  return number;
}

function parseRoles(value: string): BenchRole[] {
  const roles = value.split(',').map((role) => role.trim());
  for (const role of roles) {
    if (role !== 'student' && role !== 'teacher') {
      throw new Error(
        `\`--roles\` lists \`${role}\`; expected \`student\`, \`teacher\` ` +
          'or both, comma-separated.',
      );
    }
  }
  return roles as BenchRole[];
}

const epochs = positiveInteger('epochs', args.epochs, 1);
const maxSteps = positiveInteger('steps', args.steps, 0);
const paritySteps = positiveInteger('parity-steps', args['parity-steps'], 1);
const maxLength = positiveInteger('length', args.length, 1);
const threads = positiveInteger('threads', args.threads, 1);
const roles = parseRoles(args.roles);
const dropout = args.dropout === undefined ? undefined : Number(args.dropout);

/** Files and settings shared by the jobs of one role. */
interface RoleInputs {
  role: BenchRole;
  work: string;
  setup: BenchSetup;
  data: BenchData;
  dataPath: string;
  backend: string;
}

function writeJob(work: string, name: string, job: TrainJob): string {
  const path = join(work, `${name}.json`);
  writeFileSync(path, JSON.stringify(job));
  return path;
}

function formatList(values: number[], digits: number): string {
  return values.map((value) => value.toFixed(digits)).join(' ');
}

async function benchRole(
  inputs: RoleInputs,
  job: TrainJob,
): Promise<Record<string, unknown>> {
  const { role, work } = inputs;

  // Parity: dropout off, so both sides compute the same function.
  const parityPath = writeJob(work, `${role}-parity`, {
    ...job,
    config: { ...job.config, dropout: 0 },
    maxSteps: paritySteps,
  });
  const oursParity = runOurs(parityPath, repoRoot);
  const referenceParity = runReference(parityPath, repoRoot);
  log(`${role} parity losses ours      ${formatList(oursParity.losses, 6)}`);
  log(
    `${role} parity losses reference ` +
      formatList(referenceParity.losses, 6),
  );
  const difference = maxRelativeDifference(
    oursParity.losses,
    referenceParity.losses,
  );
  log(`${role} parity max relative difference ${difference.toExponential(2)}`);
  if (!(difference <= PARITY_TOLERANCE)) {
    log(
      `WARNING: ${role} losses differ by more than ${PARITY_TOLERANCE} ` +
        'relative, so the two sides do not compute the same model.',
    );
  }

  const jobPath = writeJob(work, role, job);
  const ours = runOurs(jobPath, repoRoot);
  log(`${role} ours steps_s ${formatList(ours.stepSeconds, 3)}`);
  const reference = runReference(jobPath, repoRoot);
  log(`${role} reference steps_s ${formatList(reference.stepSeconds, 3)}`);
  return summarize({
    role,
    backend: inputs.backend,
    stepsPerEpoch: job.batches[0].length,
    ours,
    reference,
    oursParity,
    referenceParity,
  });
}

function baseJob(
  inputs: RoleInputs,
  weightsPath: string,
  config: TrainJob['config'],
): TrainJob {
  const training =
    inputs.role === 'student'
      ? inputs.setup.studentTraining
      : inputs.setup.teacherTraining;
  return {
    config,
    weightsPath,
    weightShapes: weightManifest(config),
    dataPath: inputs.dataPath,
    batches: batchOrder(
      inputs.data.sequences.length,
      training.batchSize,
      epochs,
      BATCH_ORDER_SEED,
    ),
    maxSteps,
    learningRate: training.learningRate,
    adam: training.adam,
    chunkSize: training.chunkSize,
    dropoutSeed: DROPOUT_SEED,
    threads,
    evaluate: true,
    evaluateBatchSize: inputs.setup.evaluateBatchSize,
  };
}

async function main(): Promise<void> {
  ensureTorch(log);
  const info = await initEngine({ threads });
  const backend = info.blas ? `${info.backend}+blas` : info.backend;
  log(
    `machine: ${availableParallelism()} cores, ` +
      `${cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ` +
      formatList(loadavg(), 2),
  );
  log(
    `engine: ${backend}, BLAS ${info.blasPath ?? 'off'}, ` +
      `${info.threads} threads`,
  );

  const setup = await readBenchSetup({
    pipeline: args.pipeline,
    repoRoot,
    maxLength,
    dropout,
  });
  const data = await loadBenchData(setup.data, dataRoot(repoRoot));
  const work = mkdtempSync(join(tmpdir(), 'distillery-bench-'));
  try {
    const dataPath = join(work, 'data.json');
    writeFileSync(dataPath, JSON.stringify(data));
    const models = await createModels(setup, data.numItems);
    const results = [];
    for (const role of roles) {
      const inputs = { role, work, setup, data, dataPath, backend };
      const weightsPath = join(work, `${role}-weights.bin`);
      writeWeights(weightsPath, models[role]);
      const job = baseJob(inputs, weightsPath, models[role].config);
      log(`${role}: ${JSON.stringify(job.config)}`);
      results.push(await benchRole(inputs, job));
    }
    models.student.dispose();
    models.teacher.dispose();
    log(`load average at the end: ${formatList(loadavg(), 2)}`);
    for (const result of results) log(JSON.stringify(result));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
