/**
 * Trains the product's model (src/models) on a job file from
 * bench/train.ts and prints one JSON result line. Usage:
 *   npx tsx bench/run-ours.ts JOB.json
 */
import { readFileSync } from 'node:fs';
import { initEngine } from '../src/engine/index.js';
import { SequentialModel } from '../src/models/model.js';
import { Prng } from '../src/models/prng.js';
import type { BenchData } from './lib/data.js';
import {
  readWeightValues,
  type TrainJob,
  type TrainResult,
} from './lib/job.js';
import { createTrainer, evaluateModel, trainStep } from './lib/trainer.js';

const jobPath = process.argv[2];
if (!jobPath) {
  throw new Error(
    'Missing job file: run `npx tsx bench/run-ours.ts JOB.json` with a job ' +
      'that bench/train.ts wrote.',
  );
}
const job = JSON.parse(readFileSync(jobPath, 'utf8')) as TrainJob;
const info = await initEngine({ threads: job.threads });
const data = JSON.parse(readFileSync(job.dataPath, 'utf8')) as BenchData;
const model = new SequentialModel(
  job.config,
  readWeightValues(job.weightsPath, job.weightShapes),
);
const trainer = createTrainer(
  model,
  job.adam,
  job.learningRate,
  job.chunkSize,
);
const random = new Prng(job.dropoutSeed);

const result: TrainResult = {
  losses: [],
  epochSeconds: [],
  stepSeconds: [],
  stepCpuSeconds: [],
  peakRssMb: 0,
  backend: info.blas ? `${info.backend}+blas` : info.backend,
  threads: info.threads,
};
let stepsLeft = job.maxSteps > 0 ? job.maxSteps : Infinity;
for (const batches of job.batches) {
  const epochStarted = performance.now();
  let stepsDone = 0;
  for (const indices of batches) {
    if (stepsLeft === 0) break;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const sequences = indices.map((i) => data.sequences[i]);
    result.losses.push(trainStep(trainer, sequences, random));
    const cpu = process.cpuUsage(cpuStarted);
    result.stepSeconds.push((performance.now() - started) / 1000);
    result.stepCpuSeconds.push((cpu.user + cpu.system) / 1e6);
    stepsLeft--;
    stepsDone++;
  }
  if (stepsDone === batches.length) {
    result.epochSeconds.push((performance.now() - epochStarted) / 1000);
  }
}

if (job.evaluate) {
  const evaluation = evaluateModel(model, data, job.evaluateBatchSize);
  result.ndcg10 = evaluation.ndcg10;
  result.evalUsersPerSecond = evaluation.usersPerSecond;
}
// maxRSS is in KiB on Linux.
result.peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify(result)}\n`);
