/**
 * The state of the live terminal UI, kept apart from rendering: a pure
 * reducer folds the run's event stream into a `RunState` that the Ink
 * components only read. Times come from the events' `time` fields, never
 * from the clock, so the same events always give the same state.
 */
import type {
  EventError,
  EventOf,
  NodeOutcome,
  PlannedNodeId,
  PlannedNodeInfo,
  RunEvent,
} from '../events/events.js';
import {
  applyProgressEvent,
  applyValidationMetric,
  type NodeProgressState,
} from './progress-tracking.js';
import {
  appendMetricLine,
  keepNewest,
  splitLogEvent,
  type LogLine,
} from './log-lines.js';

export type { LogLine } from './log-lines.js';

/**
 * Status of one node on screen. `skipped` is a node that never started
 * because an upstream node failed or the run was stopped first.
 */
export type NodeStatus =
  | 'waiting'
  | 'queued'
  | 'cached'
  | 'running'
  | 'done'
  | 'failed'
  | 'cancelled'
  | 'skipped';

/** One node of the run as the UI shows it. */
export interface NodeState {
  /** The node as announced by `run-started`. */
  info: PlannedNodeInfo;
  status: NodeStatus;
  /** Cache key, updated when `node-cached` or `node-started` carries one. */
  key: string;
  /** Start time in epoch milliseconds, while or after it ran. */
  startedAtMs?: number;
  /** Duration reported by the runner once the node ended. */
  durationMs?: number;
  /** Epoch the node resumed from, when it found a checkpoint. */
  resumedFromEpoch?: number;
  /** Training progress, once the node reported any. */
  progress?: NodeProgressState;
  /** Newest log lines, oldest first, at most `LOG_LINES_KEPT`. */
  logs: LogLine[];
  /** Error of a failed or cancelled node. */
  error?: EventError;
  /** Headline metrics from `node-finished`. */
  metrics: Record<string, number>;
  /** TensorFlow.js backend of the node's child process. */
  backend?: string;
}

/** The run as announced by `run-started`. */
export interface RunInfo {
  runId: string;
  pipeline: string;
  pipelineFile: string;
  variants: string[];
  backend?: string;
  store: string;
  jobs: number;
  startedAtMs: number;
}

/** A stop in progress: requested by the user, a signal or a failure. */
export interface StoppingState {
  reason: EventOf<'run-stopping'>['reason'];
  message: string;
  sinceMs: number;
}

/** The end of the run, from `run-finished`. */
export interface FinishedState {
  status: EventOf<'run-finished'>['status'];
  durationMs: number;
  endedAtMs: number;
  counts: Record<NodeOutcome, number>;
  /** Evaluate node id, then model name, then metric name, then value. */
  metrics: EventOf<'run-finished'>['metrics'];
}

/** Everything the UI shows, derived from events only. */
export interface RunState {
  run?: RunInfo;
  /** Node ids in topological order, as `run-started` listed them. */
  order: PlannedNodeId[];
  nodes: Readonly<Record<PlannedNodeId, NodeState>>;
  /** Log lines without a node id, at most `LOG_LINES_KEPT`. */
  runLogs: LogLine[];
  stopping?: StoppingState;
  finished?: FinishedState;
}

/** Error codes that mean a node was stopped rather than broken. */
const CANCELLED_ERROR_CODES = new Set(['CANCELLED', 'NODE_CANCELLED']);

/** Creates the state before any event. */
export function createInitialRunState(): RunState {
  return { order: [], nodes: {}, runLogs: [] };
}

/** Folds one event into the state; returns a new object when it changes. */
export function reduceRunState(state: RunState, event: RunEvent): RunState {
  switch (event.kind) {
    case 'run-started':
      return startRun(event);
    case 'node-queued':
      return updateNode(state, event.nodeId, (node) =>
        node.status === 'waiting' ? { ...node, status: 'queued' } : node,
      );
    case 'node-cached':
      return updateNode(state, event.nodeId, (node) => ({
        ...node,
        status: 'cached',
        key: event.key || node.key,
      }));
    case 'node-started':
      return updateNode(state, event.nodeId, (node) => startNode(node, event));
    case 'progress':
      return updateNode(state, event.nodeId, (node) => ({
        ...node,
        progress: applyProgressEvent(node.progress, event),
      }));
    case 'log':
      return appendLog(state, event);
    case 'metric':
      return updateNode(state, event.nodeId, (node) => ({
        ...node,
        progress: applyValidationMetric(node.progress, event),
        // Training nodes report their epochs as metrics rather than log
        // lines, so the footer shows them as lines of the node's log.
        logs: keepNewest(appendMetricLine(node.logs, event)),
      }));
    case 'node-finished':
      return updateNode(state, event.nodeId, (node) => ({
        ...node,
        status: 'done',
        key: event.key || node.key,
        durationMs: event.durationMs,
        metrics: event.metrics,
        backend: event.backend ?? node.backend,
      }));
    case 'node-failed':
      return updateNode(state, event.nodeId, (node) => ({
        ...node,
        status: CANCELLED_ERROR_CODES.has(event.error.code)
          ? 'cancelled'
          : 'failed',
        key: event.key || node.key,
        durationMs: event.durationMs,
        error: event.error,
      }));
    case 'run-stopping':
      return stopRun(state, event);
    case 'run-finished':
      return finishRun(state, event);
  }
}

function startRun(event: EventOf<'run-started'>): RunState {
  const nodes: Record<PlannedNodeId, NodeState> = {};
  for (const info of event.nodes) {
    nodes[info.id] = {
      info,
      status: 'waiting',
      key: info.key,
      logs: [],
      metrics: {},
    };
  }

  return {
    run: {
      runId: event.runId,
      pipeline: event.pipeline,
      pipelineFile: event.pipelineFile,
      variants: event.variants,
      backend: event.backend,
      store: event.store,
      jobs: event.jobs,
      startedAtMs: Date.parse(event.time),
    },
    order: event.nodes.map((info) => info.id),
    nodes,
    runLogs: [],
  };
}

function startNode(node: NodeState, event: EventOf<'node-started'>): NodeState {
  return {
    ...node,
    status: 'running',
    key: event.key || node.key,
    startedAtMs: Date.parse(event.time),
    resumedFromEpoch: event.resumedFromEpoch,
    // A node that runs again within one run (a retry) starts a fresh
    // progress history, so its ETA is not measured across the gap.
    progress: undefined,
    error: undefined,
  };
}

/** Applies `update` to one node; unknown ids leave the state unchanged. */
function updateNode(
  state: RunState,
  nodeId: PlannedNodeId,
  update: (node: NodeState) => NodeState,
): RunState {
  const node = state.nodes[nodeId];
  if (node === undefined) {
    return state;
  }

  const updated = update(node);
  if (updated === node) {
    return state;
  }

  return { ...state, nodes: { ...state.nodes, [nodeId]: updated } };
}

function appendLog(state: RunState, event: EventOf<'log'>): RunState {
  const lines = splitLogEvent(event);

  if (event.nodeId === undefined || state.nodes[event.nodeId] === undefined) {
    return { ...state, runLogs: keepNewest([...state.runLogs, ...lines]) };
  }

  return updateNode(state, event.nodeId, (node) => ({
    ...node,
    logs: keepNewest([...node.logs, ...lines]),
  }));
}

function stopRun(state: RunState, event: EventOf<'run-stopping'>): RunState {
  // The first stop keeps its reason and time; a later event from the
  // runner may carry a more precise message about what it waits for.
  const stopping: StoppingState = state.stopping
    ? { ...state.stopping, message: event.message }
    : {
        reason: event.reason,
        message: event.message,
        sinceMs: Date.parse(event.time),
      };

  return { ...state, stopping };
}

function finishRun(state: RunState, event: EventOf<'run-finished'>): RunState {
  const endedAtMs = Date.parse(event.time);
  const nodes: Record<PlannedNodeId, NodeState> = {};
  for (const [id, node] of Object.entries(state.nodes)) {
    nodes[id] = settleNode(node, endedAtMs);
  }

  return {
    ...state,
    nodes,
    finished: {
      status: event.status,
      durationMs: event.durationMs,
      endedAtMs,
      counts: event.counts,
      metrics: event.metrics,
    },
  };
}

/** Gives a node that had not ended when the run ended its final status. */
function settleNode(node: NodeState, endedAtMs: number): NodeState {
  switch (node.status) {
    case 'running':
      return {
        ...node,
        status: 'cancelled',
        durationMs:
          node.startedAtMs === undefined
            ? undefined
            : endedAtMs - node.startedAtMs,
      };
    case 'waiting':
    case 'queued':
      // The runner records a node that never started as skipped, whether
      // an upstream node failed or the run was stopped.
      return { ...node, status: 'skipped' };
    case 'cached':
    case 'done':
    case 'failed':
    case 'cancelled':
    case 'skipped':
      return node;
  }
}
