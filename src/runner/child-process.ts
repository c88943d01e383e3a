/**
 * Running one node in a child process. The runner forks the worker with
 * tsx, sends the request and relays events and output lines. Every way
 * the child can end (result, thrown error, crash, signal, out of memory,
 * cancellation) becomes a typed outcome.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EventError, NodeEmittedEvent } from '../events/events.js';
import type { NodeResult } from '../nodes/node-type.js';
import {
  CANCEL_GRACE_MS,
  type WorkerEngineInfo,
  type WorkerMessage,
  type WorkerRequest,
} from './worker-protocol.js';

const WORKER_PATH = fileURLToPath(new URL('./worker.ts', import.meta.url));

// Resolved from this file rather than from the working directory, so a
// pipeline run from any folder finds the tsx that Distillery depends on.
const TSX_LOADER_URL = pathToFileURL(
  createRequire(import.meta.url).resolve('tsx'),
).href;

// tsx reads tsconfig.json from the working directory unless told
// otherwise; workers compile with the project's settings wherever the run
// was started.
const TSCONFIG_PATH = fileURLToPath(
  new URL('../../tsconfig.json', import.meta.url),
);

/** Lines of stderr kept for the error detail of a crashed node. */
const STDERR_TAIL_LINES = 20;

/** Extra time after the worker's own grace period before SIGKILL. */
const KILL_MARGIN_MS = 2_000;

/** Outcome of a node's child process. */
export type WorkerOutcome =
  | { ok: true; result: NodeResult; engine?: WorkerEngineInfo }
  | {
      ok: false;
      /** Whether the run's cancellation ended it. */
      cancelled: boolean;
      error: EventError;
      engine?: WorkerEngineInfo;
    };

/** Callbacks and signal of `runInWorker`. */
export interface WorkerHooks {
  /** Called once the child exists, with its pid. */
  onSpawn?(pid: number): void;
  /** Called for each event the node emits. */
  onEvent(event: NodeEmittedEvent): void;
  /** Called for each line the child prints on stdout or stderr. */
  onOutput?(line: string, stream: 'stdout' | 'stderr'): void;
  /** Cancels the node: it gets a grace period, then is killed. */
  signal?: AbortSignal;
}

/** Runs one node in a fresh worker process and waits for it to end. */
export function runInWorker(
  request: WorkerRequest,
  hooks: WorkerHooks,
): Promise<WorkerOutcome> {
  const child = fork(WORKER_PATH, [], {
    execArgv: ['--import', TSX_LOADER_URL],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { TSX_TSCONFIG_PATH: TSCONFIG_PATH, ...process.env },
  });
  return new Promise((resolve) => {
    const watch = new WorkerWatch(child, hooks, resolve);
    watch.start(request);
  });
}

/** The state of one child while it runs. */
class WorkerWatch {
  private reply: WorkerMessage | undefined;
  private readonly stderrTail: string[] = [];
  private cancelled = false;
  private killTimer: NodeJS.Timeout | undefined;
  private spawnError: Error | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly hooks: WorkerHooks,
    private readonly resolve: (outcome: WorkerOutcome) => void,
  ) {}

  start(request: WorkerRequest): void {
    this.child.on('spawn', () => this.hooks.onSpawn?.(this.child.pid!));
    this.child.on('error', (error) => (this.spawnError = error));
    this.child.on('message', (message: WorkerMessage) => this.receive(message));
    this.child.on('close', (code, signal) => this.finish(code, signal));
    this.readLines('stdout');
    this.readLines('stderr');

    if (this.hooks.signal?.aborted) this.cancel();
    this.hooks.signal?.addEventListener('abort', () => this.cancel(), {
      once: true,
    });
    this.child.send({ type: 'run', request });
  }

  private receive(message: WorkerMessage): void {
    if (message.type === 'event') this.hooks.onEvent(message.event);
    else this.reply = message;
  }

  private readLines(stream: 'stdout' | 'stderr'): void {
    const lines = createInterface({ input: this.child[stream]! });
    lines.on('line', (line) => {
      if (stream === 'stderr') {
        this.stderrTail.push(line);
        if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      }

      this.hooks.onOutput?.(line, stream);
    });
  }

  private cancel(): void {
    if (this.cancelled || this.child.exitCode !== null) return;

    this.cancelled = true;
    if (this.child.connected) this.child.send({ type: 'cancel' });
    this.killTimer = setTimeout(
      () => this.child.kill('SIGKILL'),
      CANCEL_GRACE_MS + KILL_MARGIN_MS,
    );
  }

  private finish(code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(this.killTimer);
    const reply = this.reply;
    if (reply?.type === 'result' && !this.cancelled) {
      this.resolve({ ok: true, result: reply.result, engine: reply.engine });
      return;
    }

    this.resolve({
      ok: false,
      cancelled: this.cancelled,
      error: this.describeFailure(code, signal),
      engine: reply?.type === 'error' ? reply.engine : undefined,
    });
  }

  private describeFailure(
    code: number | null,
    signal: NodeJS.Signals | null,
  ): EventError {
    const stderr = this.stderrTail.join('\n');
    if (this.cancelled) {
      return { code: 'NODE_CANCELLED', message: 'The node was cancelled.' };
    }

    if (this.spawnError) {
      return {
        code: 'NODE_SPAWN_FAILED',
        message: `The node's process could not start: ${this.spawnError.message}`,
      };
    }

    if (this.reply?.type === 'error') {
      const { error } = this.reply;
      return { code: error.code, message: error.message, detail: error.stack };
    }

    return describeCrash(code, signal, stderr);
  }
}

/** Describes a child that ended without sending a result or an error. */
function describeCrash(
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
): EventError {
  const detail = stderr || undefined;
  if (/heap out of memory|Allocation failed/i.test(stderr)) {
    return {
      code: 'NODE_OUT_OF_MEMORY',
      message:
        'The node ran out of memory: lower its batch size or model size, ' +
        'or raise the heap with NODE_OPTIONS=--max-old-space-size=MB.',
      detail,
    };
  }

  if (signal) {
    const hint =
      signal === 'SIGKILL' ? ' (the system may be out of memory)' : '';
    return {
      code: 'NODE_CRASHED',
      message: `The node's process was killed by ${signal}${hint}.`,
      detail,
    };
  }

  if (code === 0) {
    return {
      code: 'NODE_NO_RESULT',
      message: "The node's process exited with code 0 without a result.",
      detail,
    };
  }

  return {
    code: 'NODE_CRASHED',
    message: `The node's process exited with code ${code}.`,
    detail,
  };
}
