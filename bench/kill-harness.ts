/**
 * `npm run bench:kill`: the crash-consistency harness. It kills a short
 * pipeline's runner and workers with SIGKILL at random moments, many
 * times, and checks the store after every kill; see docs/reliability.md.
 *
 *   npm run bench:kill -- --trials 50 --seed 1
 *
 * Exits 1 when any trial found a problem.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runKillTrials } from './reliability/kill-trials.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    pipeline: {
      type: 'string',
      default: 'test/fixtures/reliability/tiny.yaml',
    },
    'data-dir': {
      type: 'string',
      default:
        process.env.DISTILLERY_DATA ??
        resolve(import.meta.dirname, '../../shared/datasets'),
    },
  },
});

const workDir = await mkdtemp(join(tmpdir(), 'distillery-kill-'));
try {
  const report = await runKillTrials({
    pipelineFile: resolve(values.pipeline),
    dataDir: resolve(values['data-dir']),
    workDir,
    trials: Number(values.trials),
    seed: Number(values.seed),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(
    `\n${report.kills} kills, ${report.completedRuns} completed runs ` +
      `(${report.resumes} resumed a node from a checkpoint), ` +
      `${report.failures.length} failures; clean run ` +
      `${(report.cleanRunMs / 1000).toFixed(1)} s, total ` +
      `${(report.totalMs / 60_000).toFixed(1)} min.\n`,
  );
  process.exitCode = report.failures.length > 0 ? 1 : 0;
} finally {
  await rm(workDir, { recursive: true, force: true });
}
