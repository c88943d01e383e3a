/**
 * Trains the benchmark SASRec student and teacher with our engine and with
 * the PyTorch reference from the same initial weights, data and batch
 * order, in one invocation, and prints the time ratio per epoch.
 *
 *   nice -n 10 npm run bench:train -- [--epochs N] [--steps N]
 *     [--parity-steps N] [--roles teacher,student] [--dropout R]
 *
 * `--steps N` stops each trainer after N steps and scales the mean step
 * time to an epoch; 0 (the default) trains `--epochs` full epochs.
 *
 * The last line of output is the student's JSON result; the line before
 * it is the teacher's. Set DISTILLERY_DATA to the datasets folder.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initEngine } from '../src/engine/index.js';
import { BATCH_SIZE, modelConfig } from './lib/configs.js';
import { writeWeights, type TrainJob, type TrainResult } from './lib/job.js';
import { dataRoot, epochOrders, loadMovieLens100k } from './lib/movielens.js';
import { initWeights, weightShapes } from './lib/sasrec.js';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, LEARNING_RATE } from './lib/trainer.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '2' },
    steps: { type: 'string', default: '0' },
    'parity-steps': { type: 'string', default: '5' },
    roles: { type: 'string', default: 'teacher,student' },
    dropout: { type: 'string', default: '0.2' },
  },
});
const epochs = Number(args.epochs);
const paritySteps = Number(args['parity-steps']);
const maxSteps = Number(args.steps);

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function ensureTorch(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  if (probe.status === 0) return;
  log('installing python3-torch with apt-get (bench only, never in CI)');
  execFileSync('apt-get', ['install', '-y', 'python3-torch'], { stdio: 'inherit' });
}

function lastJsonLine(output: string, who: string): TrainResult {
  const lines = output.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    return JSON.parse(last) as TrainResult;
  } catch {
    throw new Error(`${who} printed no JSON result; its output ended with:\n${lines.slice(-20).join('\n')}`);
  }
}

function runOurs(jobPath: string): TrainResult {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'run-ours.ts'), jobPath], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    cwd: repoRoot,
  });
  if (child.status !== 0) throw new Error(`our trainer failed (exit ${child.status}):\n${child.stderr}`);
  return lastJsonLine(child.stdout, 'our trainer');
}

function runReference(jobPath: string): TrainResult {
  const script = join(repoRoot, 'bench', 'reference', 'sasrec.py');
  const child = spawnSync(PYTHON, [script, jobPath], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(`reference trainer failed (exit ${child.status}):\n${child.stderr}`);
  return lastJsonLine(child.stdout, 'reference trainer');
}

// Seconds per epoch-equivalent: the mean step time after the first step,
// which includes JIT and allocator warm-up, times the steps of an epoch.
function perEpoch(stepTimes: number[], stepsPerEpoch: number): number {
  const timed = stepTimes.length > 1 ? stepTimes.slice(1) : stepTimes;
  return (timed.reduce((a, b) => a + b, 0) / timed.length) * stepsPerEpoch;
}

function maxAbsDifference(a: number[], b: number[]): number {
  let max = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

async function benchRole(role: 'student' | 'teacher', work: string, backend: string): Promise<Record<string, unknown>> {
  const data = loadMovieLens100k(dataRoot(repoRoot));
  const dataPath = join(work, 'data.json');
  if (!existsSync(dataPath)) writeFileSync(dataPath, JSON.stringify(data));
  const config = { ...modelConfig(role, data.numItems), dropout: Number(args.dropout) };
  const shapes = weightShapes(config);
  const weightsPath = join(work, `${role}-weights.bin`);
  const weights = initWeights(config, role === 'student' ? 11 : 13);
  writeWeights(weightsPath, weights, shapes);
  weights.forEach((weight) => weight.dispose());

  const orders = epochOrders(data.train.length, epochs, 29);
  const base: TrainJob = {
    config, weightsPath, weightShapes: shapes, dataPath, orders,
    batchSize: BATCH_SIZE, maxSteps, learningRate: LEARNING_RATE,
    beta1: ADAM_BETA1, beta2: ADAM_BETA2, epsilon: ADAM_EPSILON,
    threads: availableParallelism(), evaluate: true,
  };

  // Parity: dropout off so both sides compute the same function.
  const parityJob = { ...base, config: { ...config, dropout: 0 }, maxSteps: paritySteps, evaluate: false };
  const parityPath = join(work, `${role}-parity.json`);
  writeFileSync(parityPath, JSON.stringify(parityJob));
  const oursParity = runOurs(parityPath);
  const referenceParity = runReference(parityPath);
  const lossDiff = maxAbsDifference(oursParity.losses, referenceParity.losses);
  log(`${role} parity losses ours      ${oursParity.losses.map((l) => l.toFixed(5)).join(' ')}`);
  log(`${role} parity losses reference ${referenceParity.losses.map((l) => l.toFixed(5)).join(' ')}`);

  const jobPath = join(work, `${role}.json`);
  writeFileSync(jobPath, JSON.stringify(base));
  const ours = runOurs(jobPath);
  log(`${role} ours steps_s ${ours.stepSeconds.map((s) => s.toFixed(2)).join(' ')}`);
  const reference = runReference(jobPath);
  log(`${role} reference steps_s ${reference.stepSeconds.map((s) => s.toFixed(2)).join(' ')}`);

  const stepsPerEpoch = Math.ceil(data.train.length / BATCH_SIZE);
  const oursEpoch = perEpoch(ours.stepSeconds, stepsPerEpoch);
  const referenceEpoch = perEpoch(reference.stepSeconds, stepsPerEpoch);
  const oursCpu = perEpoch(ours.stepCpuSeconds, stepsPerEpoch);
  const referenceCpu = perEpoch(reference.stepCpuSeconds, stepsPerEpoch);
  return {
    model: role,
    ours_epoch_s: round(oursEpoch),
    reference_epoch_s: round(referenceEpoch),
    ratio: round(oursEpoch / referenceEpoch),
    ours_epoch_cpu_s: round(oursCpu),
    reference_epoch_cpu_s: round(referenceCpu),
    cpu_ratio: round(oursCpu / referenceCpu),
    steps_timed: ours.stepSeconds.length,
    ours_ndcg10: round(ours.ndcg10 ?? NaN),
    reference_ndcg10: round(reference.ndcg10 ?? NaN),
    backend,
    parity_steps: Math.min(oursParity.losses.length, referenceParity.losses.length),
    parity_max_abs_loss_diff: lossDiff,
    ours_peak_rss_mb: Math.round(ours.maxRssMb),
    reference_peak_rss_mb: Math.round(reference.maxRssMb),
    ours_eval_users_per_s: round(ours.evalUsersPerSecond ?? NaN),
    reference_eval_users_per_s: round(reference.evalUsersPerSecond ?? NaN),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

ensureTorch();
const info = await initEngine();
log(`machine: ${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
log(`engine: ${info.backend}, BLAS ${info.blas ? info.blasPath : 'off'}, ${info.threads} threads`);
const work = mkdtempSync(join(tmpdir(), 'distillery-bench-'));
try {
  const roles = args.roles.split(',') as ('student' | 'teacher')[];
  const results = [];
  for (const role of roles) results.push(await benchRole(role, work, info.backend));
  for (const result of results) log(JSON.stringify(result));
} finally {
  rmSync(work, { recursive: true, force: true });
}
