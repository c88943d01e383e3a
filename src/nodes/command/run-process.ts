/**
 * Running the command with execa. Its stdout and stderr go to `stdout.log`
 * and `stderr.log` and, line by line, to log events. The way the process
 * ended is returned as data for the node to judge.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import type { NodeEmittedEvent } from '../../events/events.js';

/** Lines per stream sent as log events; the files keep everything. */
export const MAX_LOG_EVENTS_PER_STREAM = 200;

/** Lines of stderr kept for the error of a failed command. */
export const STDERR_TAIL_LINES = 20;

/** Time between SIGTERM and SIGKILL when the run is cancelled. */
const FORCE_KILL_AFTER_MS = 3_000;

/** The program to run, its environment and its log files. */
export interface ProcessRequest {
  /** Program and arguments, or one shell command line in `shell` mode. */
  argv: string[];
  shell: boolean;
  cwd: string;
  env: Record<string, string>;
  stdoutFile: string;
  stderrFile: string;
  signal: AbortSignal;
  emit(event: NodeEmittedEvent): void;
}

/** The end of a process: an exit code, a signal, or no start. */
export type ProcessEnd =
  | {
      kind: 'exited';
      exitCode: number;
      stderrTail: string[];
      durationMs: number;
    }
  | {
      kind: 'killed';
      signal: string;
      stderrTail: string[];
      durationMs: number;
    }
  | { kind: 'not-started'; message: string; durationMs: number }
  | { kind: 'cancelled'; durationMs: number };

/**
 * Runs the process to its end. Its failures (non-zero exit, signal, failed
 * start) are returned, not thrown; only an unreadable log file throws.
 */
export async function runProcess(request: ProcessRequest): Promise<ProcessEnd> {
  const startedAt = Date.now();
  const [file, ...args] = request.argv;
  const subprocess = execa(file, args, {
    cwd: request.cwd,
    env: request.env,
    extendEnv: false,
    shell: request.shell,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    cancelSignal: request.signal,
    forceKillAfterDelay: FORCE_KILL_AFTER_MS,
  });

  const stderrTail: string[] = [];
  const copies = [
    copyStream(subprocess.stdout, request.stdoutFile, (line, index) => {
      logLine(request, 'info', line, index, 'stdout.log');
    }),
    copyStream(subprocess.stderr, request.stderrFile, (line, index) => {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      logLine(request, 'warn', line, index, 'stderr.log');
    }),
  ];

  const result = await subprocess;
  await Promise.all(copies);
  const durationMs = Date.now() - startedAt;
  if (result.isCanceled) return { kind: 'cancelled', durationMs };
  if (result.exitCode !== undefined) {
    const { exitCode } = result;
    return { kind: 'exited', exitCode, stderrTail, durationMs };
  }

  if (result.signal !== undefined) {
    return { kind: 'killed', signal: result.signal, stderrTail, durationMs };
  }

  return {
    kind: 'not-started',
    message:
      result.originalMessage ??
      result.shortMessage ??
      result.message ??
      'unknown error',
    durationMs,
  };
}

/** Sends a line as a log event, up to the limit, then one notice. */
function logLine(
  request: ProcessRequest,
  level: 'info' | 'warn',
  line: string,
  index: number,
  file: string,
): void {
  if (index < MAX_LOG_EVENTS_PER_STREAM) {
    request.emit({ kind: 'log', level, message: line });
  } else if (index === MAX_LOG_EVENTS_PER_STREAM) {
    request.emit({
      kind: 'log',
      level: 'info',
      message: `Further output is only written to ${file} in the artifact.`,
    });
  }
}

/**
 * Writes everything `stream` yields to `file` and calls `onLine` with each
 * line and its index. Resolves once the file is complete.
 */
async function copyStream(
  stream: Readable,
  file: string,
  onLine: (line: string, index: number) => void,
): Promise<void> {
  const out: WriteStream = createWriteStream(file);
  // The file is ended by hand: a stream destroyed because the program
  // never started emits no `end`, and `pipe` would leave the file open.
  stream.pipe(out, { end: false });
  let index = 0;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => onLine(line, index++));
  await finished(stream).catch(() => undefined);
  out.end();
  await finished(out);
}
