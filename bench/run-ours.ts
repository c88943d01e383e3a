/**
 * Trains the TensorFlow.js SASRec on a job file from bench/train.ts and
 * prints one JSON result line. Usage: tsx bench/run-ours.ts JOB.json
 */
import { readFileSync } from 'node:fs';
import { initEngine } from '../src/engine/index.js';
import { readWeights, type TrainJob, type TrainResult } from './lib/job.js';
import type { BenchData } from './lib/movielens.js';
import { batchesOf, createTrainer, evaluateNdcg10, trainStep } from './lib/trainer.js';

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as TrainJob;
const info = await initEngine({ threads: job.threads });
const data = JSON.parse(readFileSync(job.dataPath, 'utf8')) as BenchData;
const trainer = createTrainer(job.config, readWeights(job.weightsPath, job.weightShapes));
const training = job.config.dropout > 0;

const result: TrainResult = {
  losses: [], epochSeconds: [], stepSeconds: [], stepCpuSeconds: [],
  maxRssMb: 0, backend: info.backend, threads: info.threads,
};
let stepsLeft = job.maxSteps > 0 ? job.maxSteps : Infinity;
for (const order of job.orders) {
  const started = performance.now();
  for (const users of batchesOf(order, job.batchSize)) {
    if (stepsLeft === 0) break;
    const stepStarted = performance.now();
    const cpuStarted = process.cpuUsage();
    result.losses.push(trainStep(trainer, data, users, training));
    const cpu = process.cpuUsage(cpuStarted);
    result.stepSeconds.push((performance.now() - stepStarted) / 1000);
    result.stepCpuSeconds.push((cpu.user + cpu.system) / 1e6);
    stepsLeft--;
  }
  result.epochSeconds.push((performance.now() - started) / 1000);
}

if (job.evaluate) {
  const started = performance.now();
  result.ndcg10 = evaluateNdcg10(trainer, data);
  result.evalUsersPerSecond = data.testHistories.length / ((performance.now() - started) / 1000);
}
result.maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify(result)}\n`);
