/**
 * Times SASRec training steps on one backend and lists the kernels that
 * take the most time. Usage:
 *   nice -n 10 npx tsx bench/step.ts [student|teacher] [steps]
 * DISTILLERY_BACKEND and DISTILLERY_BLAS select the engine.
 */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { initEngine, tf } from '../src/engine/index.js';
import { dataRoot, epochOrders, loadMovieLens100k } from './lib/movielens.js';
import { initWeights } from './lib/sasrec.js';
import { createTrainer, trainStep } from './lib/trainer.js';
import { modelConfig } from './lib/configs.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const role = process.argv[2] === 'teacher' ? 'teacher' : 'student';
const steps = Number(process.argv[3] ?? 3);
const batchSize = Number(process.env.BENCH_BATCH ?? 128);

const info = await initEngine();
const data = loadMovieLens100k(dataRoot(repoRoot));
const config = modelConfig(role, data.numItems);
const trainer = createTrainer(config, initWeights(config, 1));
const order = epochOrders(data.train.length, 1, 7)[0]!;
const users = (i: number) => order.slice((i * batchSize) % 768, (i * batchSize) % 768 + batchSize);

trainStep(trainer, data, users(0));
const times: number[] = [];
for (let i = 1; i <= steps; i++) {
  const start = performance.now();
  trainStep(trainer, data, users(i));
  times.push((performance.now() - start) / 1000);
}

const profile = await tf.profile(() => {
  trainStep(trainer, data, users(steps + 1));
});
const byKernel = new Map<string, number>();
for (const kernel of profile.kernels) {
  byKernel.set(kernel.name, (byKernel.get(kernel.name) ?? 0) + (kernel.kernelTimeMs as number));
}
const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
process.stdout.write(
  `${role} backend=${info.backend} blas=${info.blas} threads=${info.threads}\n` +
    `step_s=${times.map((t) => t.toFixed(3)).join(' ')}\n` +
    `profiled kernel total ${total.toFixed(0)} ms\n` +
    top.map(([name, ms]) => `  ${name.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms ${(100 * ms / total).toFixed(1)}%`).join('\n') + '\n',
);
