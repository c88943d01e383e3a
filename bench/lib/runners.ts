/**
 * Starting the two trainers on a job file, each in its own process so
 * that each peak RSS is its own: ours (bench/run-ours.ts under tsx) and
 * the PyTorch reference (bench/reference/sasrec.py under Debian's Python).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TrainResult } from './job.js';

/** Debian's interpreter, which `python3-torch` installs into. */
export const PYTHON = '/usr/bin/python3';

/** Largest stdout a trainer may print, in bytes. */
const MAX_OUTPUT_BYTES = 1 << 26;

/** Returns whether `PYTHON` can import torch. */
export function hasTorch(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Installs `python3-torch` with apt-get when `PYTHON` cannot import
 * torch. Only the benchmark calls this, never a test or CI.
 */
export function ensureTorch(log: (line: string) => void): void {
  if (hasTorch()) return;
  log('Installing python3-torch with apt-get for the PyTorch reference.');
  execFileSync('apt-get', ['install', '-y', 'python3-torch'], {
    stdio: 'inherit',
  });
}

/** Trains with our engine in a child process and returns its result. */
export function runOurs(jobPath: string, repoRoot: string): TrainResult {
  const script = join(repoRoot, 'bench', 'run-ours.ts');
  return runTrainer(
    'our trainer',
    process.execPath,
    ['--import', 'tsx', script, jobPath],
    repoRoot,
  );
}

/** Trains with the PyTorch reference and returns its result. */
export function runReference(jobPath: string, repoRoot: string): TrainResult {
  const script = join(repoRoot, 'bench', 'reference', 'sasrec.py');
  const args = [script, jobPath];
  return runTrainer('the PyTorch reference', PYTHON, args, repoRoot);
}

function runTrainer(
  who: string,
  command: string,
  args: string[],
  cwd: string,
): TrainResult {
  const child = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: MAX_OUTPUT_BYTES,
  });
  if (child.status !== 0) {
    throw new Error(
      `${who} failed (exit ${child.status ?? child.signal}): ` +
        `\`${command} ${args.join(' ')}\`\n${child.stderr}`,
    );
  }
  return lastJsonLine(child.stdout, who);
}

function lastJsonLine(output: string, who: string): TrainResult {
  const lines = output.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    return JSON.parse(last) as TrainResult;
  } catch {
    throw new Error(
      `${who} printed no JSON result line; its output ended with:\n` +
        lines.slice(-20).join('\n'),
    );
  }
}
