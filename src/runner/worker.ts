/**
 * Entry point of a node's child process. It waits for one `run` request
 * over IPC, imports the node type's module, initialises the engine when
 * the type needs it, runs the node and sends back its result. It exits
 * when the runner disconnects, so nodes never outlive their run.
 */
import { pathToFileURL } from 'node:url';
import type { NodeEmittedEvent } from '../events/events.js';
import type { BackendName } from '../engine/index.js';
import type { NodeContext, NodeType } from '../nodes/node-type.js';
import {
  CANCEL_GRACE_MS,
  type ParentMessage,
  type WorkerEngineInfo,
  type WorkerMessage,
  type WorkerRequest,
} from './worker-protocol.js';
import { isUserError } from './user-error.js';

/** Exit code of a worker that could not report its result over IPC. */
const EXIT_NO_CHANNEL = 70;

const controller = new AbortController();
let engine: WorkerEngineInfo | undefined;

process.on('disconnect', () => process.exit(EXIT_NO_CHANNEL));
// Ctrl-C in a terminal signals the whole process group. The runner decides
// how its nodes stop (a `cancel` message, then SIGKILL), so the worker
// ignores SIGINT instead of dying before it can save a checkpoint.
process.on('SIGINT', () => undefined);
process.on('message', (message: ParentMessage) => {
  if (message.type === 'cancel') cancel();
  if (message.type === 'run') void runRequest(message.request);
});

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

function cancel(): void {
  controller.abort(new Error('The run was cancelled.'));
  // A node that ignores its signal is stopped after the grace period; the
  // runner kills it harder if even this does not end it.
  setTimeout(() => process.exit(EXIT_NO_CHANNEL), CANCEL_GRACE_MS).unref();
}

async function runRequest(request: WorkerRequest): Promise<void> {
  try {
    const type = await loadNodeType(request);
    if (request.usesEngine) engine = await startEngine(request.backend);

    const result = await type.run(createContext(request));
    await send({ type: 'result', result: result ?? {}, engine });
    process.exit(0);
  } catch (error) {
    await send({ type: 'error', error: describeError(error), engine });
    process.exit(1);
  }
}

function createContext(request: WorkerRequest): NodeContext {
  return {
    params: request.params,
    inputs: request.inputs,
    outDir: request.outDir,
    workDir: request.workDir,
    dataDir: request.dataDir,
    pipelineDir: request.pipelineDir,
    nodeName: request.nodeName,
    signal: controller.signal,
    emit: (event: NodeEmittedEvent) => void send({ type: 'event', event }),
  };
}

async function loadNodeType(request: WorkerRequest): Promise<NodeType> {
  const url = request.typeModule.startsWith('file:')
    ? request.typeModule
    : pathToFileURL(request.typeModule).href;
  const exports = (await import(url)) as Record<string, unknown>;
  const found = findNodeType(Object.values(exports), request.typeName);
  if (!found) {
    throw Object.assign(
      new Error(
        `Module \`${request.typeModule}\` exports no node type named ` +
          `\`${request.typeName}\`: export the type object from its module.`,
      ),
      { code: 'NODE_TYPE_NOT_EXPORTED' },
    );
  }

  return found;
}

/** Searches exported values, and arrays among them, for the type. */
function findNodeType(values: unknown[], name: string): NodeType | undefined {
  for (const value of values) {
    if (Array.isArray(value)) {
      const inner = findNodeType(value, name);
      if (inner) return inner;
    } else if (isNodeType(value) && value.name === name) {
      return value;
    }
  }

  return undefined;
}

function isNodeType(value: unknown): value is NodeType {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as NodeType).name === 'string' &&
    typeof (value as NodeType).run === 'function'
  );
}

async function startEngine(
  backend: string | undefined,
): Promise<WorkerEngineInfo> {
  const { initEngine } = await import('../engine/index.js');
  // The CLI checks `--backend` against the engine's names before a run.
  try {
    const info = await initEngine(
      backend ? { backend: backend as BackendName } : {},
    );
    return { backend: info.backend, versions: info.versions };
  } catch (error) {
    // The engine's message names the backend and how to install or avoid
    // it, so it is reported as a typed failure without a stack trace.
    throw new EngineUnavailableError(
      error instanceof Error ? error.message : String(error),
      { cause: error },
    );
  }
}

/** A TensorFlow.js backend that could not be loaded or initialised. */
class EngineUnavailableError extends Error {
  readonly code = 'ENGINE_UNAVAILABLE';
  readonly reason = 'engine-unavailable';
}

function describeError(error: unknown): {
  code: string;
  message: string;
  stack?: string;
} {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' ? code : 'NODE_THREW',
    message: error instanceof Error ? error.message : String(error),
    stack:
      error instanceof Error && !isUserError(error) ? error.stack : undefined,
  };
}
