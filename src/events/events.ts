/**
 * The typed event stream of a run. The runner and every node emit these
 * events; the Ink UI, the plain log and the JSON output are interchangeable
 * consumers of the same stream. Nodes running in child processes send the
 * node-level events to the runner over IPC.
 *
 * Note: the JSON output writes these objects as they are, one per line, so
 * changing a field here changes the documented `--ui json` schema.
 */

/** Identifier of one planned node execution: `name` or `name@variant`. */
export type PlannedNodeId = string;

/** Final status of a node within one run. */
export type NodeOutcome = 'ran' | 'cached' | 'failed' | 'cancelled' | 'skipped';

/** One node as announced at the start of a run, in topological order. */
export interface PlannedNodeInfo {
  /** Unique id within the run: the node name, plus `@variant` in sweeps. */
  id: PlannedNodeId;
  /** Node name as written in the pipeline file. */
  name: string;
  /** Variant name, or `null` for a pipeline without variants. */
  variant: string | null;
  /** Node type, for example `pretrain-student`. */
  type: string;
  /** Hex SHA-256 cache key. */
  key: string;
  /** Depth in the graph: 0 for nodes without inputs. */
  depth: number;
  /** Ids of the nodes whose artifacts this node reads. */
  dependsOn: PlannedNodeId[];
  /** Whether the plan found a complete artifact for this key. */
  cached: boolean;
}

/** An error as carried by events: serialisable, with a stable code. */
export interface EventError {
  /** Stable machine-readable code, for example `NODE_CRASHED`. */
  code: string;
  /** One-line summary for people. */
  message: string;
  /** Longer detail: a stack trace, stderr tail or node log tail. */
  detail?: string;
}

/** Training progress of a running node. */
export interface ProgressFields {
  /** Current epoch, counting from 1. */
  epoch?: number;
  /** Planned number of epochs (early stopping may end sooner). */
  epochs?: number;
  /** Current step within the epoch, counting from 1. */
  step?: number;
  /** Steps per epoch. */
  steps?: number;
  /** Mean training loss so far in this epoch. */
  loss?: number;
  /** Training throughput in sequences per second. */
  sequencesPerS?: number;
  /** Latest validation NDCG@10. */
  validNdcg10?: number;
  /** Free-form phase label, for example `evaluating` or `writing`. */
  phase?: string;
}

export type RunEvent =
  | {
      kind: 'run-started';
      time: string;
      runId: string;
      pipeline: string;
      pipelineFile: string;
      variants: string[];
      nodes: PlannedNodeInfo[];
      /** Active TensorFlow.js backend, when known at start. */
      backend?: string;
      store: string;
      jobs: number;
    }
  | { kind: 'node-queued'; time: string; nodeId: PlannedNodeId }
  | { kind: 'node-cached'; time: string; nodeId: PlannedNodeId; key: string }
  | {
      kind: 'node-started';
      time: string;
      nodeId: PlannedNodeId;
      key: string;
      pid?: number;
      /** Epoch a resumed node restarts from, when it found a checkpoint. */
      resumedFromEpoch?: number;
    }
  | ({
      kind: 'progress';
      time: string;
      nodeId: PlannedNodeId;
    } & ProgressFields)
  | {
      kind: 'log';
      time: string;
      nodeId?: PlannedNodeId;
      level: 'debug' | 'info' | 'warn' | 'error';
      message: string;
    }
  | {
      kind: 'metric';
      time: string;
      nodeId: PlannedNodeId;
      name: string;
      value: number;
      epoch?: number;
    }
  | {
      kind: 'node-finished';
      time: string;
      nodeId: PlannedNodeId;
      key: string;
      durationMs: number;
      metrics: Record<string, number>;
      /** Backend the node's child process used, for ML nodes. */
      backend?: string;
    }
  | {
      kind: 'node-failed';
      time: string;
      nodeId: PlannedNodeId;
      key: string;
      durationMs: number;
      error: EventError;
    }
  | {
      kind: 'run-finished';
      time: string;
      runId: string;
      status: 'succeeded' | 'failed' | 'cancelled';
      durationMs: number;
      counts: Record<NodeOutcome, number>;
      /**
       * Metrics of `evaluate` nodes: node id, then model name, then metric
       * name (for example `test.ndcg@10`), then value.
       */
      metrics: Record<PlannedNodeId, Record<string, Record<string, number>>>;
    }
  | {
      kind: 'run-stopping';
      time: string;
      reason: 'signal' | 'user' | 'failure';
      message: string;
    };

export type RunEventKind = RunEvent['kind'];

/** Distributes an event union member type by its `kind`. */
export type EventOf<K extends RunEventKind> = Extract<RunEvent, { kind: K }>;

/** A consumer of the event stream (Ink UI, plain log, JSON lines). */
export interface Logger {
  handle(event: RunEvent): void;
  /** Flushes output and releases the terminal; called once at the end. */
  close(): Promise<void>;
}

/** Events a node may emit through its context, without time and node id. */
export type NodeEmittedEvent =
  | ({ kind: 'progress' } & ProgressFields)
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { kind: 'metric'; name: string; value: number; epoch?: number };
