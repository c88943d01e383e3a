/**
 * Starting the `distillery` command as the leader of its own process
 * group, and killing that whole group (the runner and every node worker
 * it forked) with SIGKILL, as a power cut or the OOM killer would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** The `distillery` entry point of this checkout. */
export const DISTILLERY_BIN = resolve(
  import.meta.dirname,
  '../../bin/distillery.js',
);

/** A `distillery` process started by `startCli`. */
export interface CliProcess {
  child: ChildProcess;
  /** Process group id, equal to the leader's pid. */
  pgid: number;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<CliExit>;
  /** Lines printed on stdout so far (JSON events with `--ui json`). */
  stdoutLines: string[];
  stderr(): string;
}

/** The exit code or signal that ended a `distillery` process. */
export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of `startCli`. */
export interface StartCliOptions {
  cwd?: string;
  /** Extra environment variables; the parent's are inherited. */
  env?: Record<string, string | undefined>;
  /** Called with each stdout line as it arrives. */
  onLine?(line: string): void;
}

/**
 * Starts `node bin/distillery.js ARGS` in a new process group. Workers
 * forked by the runner inherit that group, so `killGroup` reaches them.
 */
export function startCli(
  args: string[],
  options: StartCliOptions = {},
): CliProcess {
  const child = spawn(process.execPath, [DISTILLERY_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdoutLines: string[] = [];
  const stderrChunks: string[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      stdoutLines.push(line);
      options.onLine?.(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderrChunks.push(chunk);
  });
  const exited = new Promise<CliExit>((done) => {
    child.on('close', (code, signal) => {
      if (partial) stdoutLines.push(partial);
      done({ code, signal });
    });
  });

  return {
    child,
    pgid: child.pid!,
    exited,
    stdoutLines,
    stderr: () => stderrChunks.join(''),
  };
}

/** Runs the command to its end and returns its exit and output. */
export async function runCli(
  args: string[],
  options: StartCliOptions = {},
): Promise<CliExit & { stdout: string; stderr: string }> {
  const cli = startCli(args, options);
  const exit = await cli.exited;
  return {
    ...exit,
    stdout: cli.stdoutLines.join('\n'),
    stderr: cli.stderr(),
  };
}

/**
 * Sends SIGKILL to every process of the group, waits for the leader to
 * exit and returns the pids of group members still running afterwards
 * (zombies waiting to be reaped do not count).
 */
export async function killGroup(
  cli: CliProcess,
  settleMs = 3_000,
): Promise<number[]> {
  try {
    process.kill(-cli.pgid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }

  await cli.exited;
  const deadline = Date.now() + settleMs;
  let survivors = await liveGroupMembers(cli.pgid);
  while (survivors.length > 0 && Date.now() < deadline) {
    await sleep(100);
    survivors = await liveGroupMembers(cli.pgid);
  }

  return survivors;
}

/**
 * Lists the pids of processes in group `pgid` that are not zombies, from
 * `/proc/<pid>/stat` (Linux only; elsewhere the list is empty).
 */
export async function liveGroupMembers(pgid: number): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }

  const members: number[] = [];
  for (const name of names.filter((entry) => /^\d+$/.test(entry))) {
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command name: state, ppid, pgrp.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') {
      members.push(Number(name));
    }
  }

  return members;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
