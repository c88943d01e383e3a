/**
 * Times training steps of the product's model on one backend and lists
 * the kernels that take the most time. Usage:
 *   nice -n 10 npx tsx bench/step.ts [student|teacher] [steps]
 * DISTILLERY_BACKEND and DISTILLERY_BLAS select the engine; BENCH_LENGTH
 * sets `vars.maxLength` (default 50).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initEngine, tf } from '../src/engine/index.js';
import { Prng } from '../src/models/prng.js';
import { readBenchSetup } from './lib/configs.js';
import { dataRoot, loadBenchData } from './lib/data.js';
import { batchOrder, createModels } from './lib/models.js';
import { createTrainer, trainStep } from './lib/trainer.js';

/** Kernels listed, by total time. */
const TOP_KERNELS = 15;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const role = process.argv[2] === 'teacher' ? 'teacher' : 'student';
const steps = Number(process.argv[3] ?? 3);

const info = await initEngine();
const setup = await readBenchSetup({
  pipeline: 'pipelines/movielens-100k.yaml',
  repoRoot,
  maxLength: Number(process.env.BENCH_LENGTH ?? 50),
});
const data = await loadBenchData(setup.data, dataRoot(repoRoot));
const models = await createModels(setup, data.numItems);
const model = models[role];
const training =
  role === 'student' ? setup.studentTraining : setup.teacherTraining;
const trainer = createTrainer(
  model,
  training.adam,
  training.learningRate,
  training.chunkSize,
);
const batches = batchOrder(data.sequences.length, training.batchSize, 1, 7)[0];
const random = new Prng(11);
const sequencesOf = (step: number) =>
  batches[step % batches.length].map((i) => data.sequences[i]);

// The first step includes JIT and allocator warm-up, so it is not timed.
trainStep(trainer, sequencesOf(0), random);
const times: number[] = [];
for (let step = 1; step <= steps; step++) {
  const started = performance.now();
  trainStep(trainer, sequencesOf(step), random);
  times.push((performance.now() - started) / 1000);
}

const profile = await tf.profile(() => {
  trainStep(trainer, sequencesOf(steps + 1), random);
});
const byKernel = new Map<string, number>();
for (const kernel of profile.kernels) {
  const ms = kernel.kernelTimeMs as number;
  byKernel.set(kernel.name, (byKernel.get(kernel.name) ?? 0) + ms);
}
const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
const top = [...byKernel.entries()]
  .sort((a, b) => b[1] - a[1])
  .slice(0, TOP_KERNELS);
const lines = [
  `${role} backend=${info.backend} blas=${info.blas} threads=${info.threads}`,
  `step_s=${times.map((t) => t.toFixed(3)).join(' ')}`,
  `profiled kernel total ${total.toFixed(0)} ms`,
  ...top.map(
    ([name, ms]) =>
      `  ${name.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms ` +
      `${((100 * ms) / total).toFixed(1)}%`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
models.student.dispose();
models.teacher.dispose();
