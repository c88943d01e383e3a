/**
 * Messages between the runner and a node's worker process over IPC. The
 * runner sends one `run` request; the worker streams the node's events and
 * ends with `result` or `error`.
 */
import type { NodeEmittedEvent } from '../events/events.js';
import type { ArtifactRef, NodeResult } from '../nodes/node-type.js';

/** Everything a worker needs to run one node. */
export interface WorkerRequest {
  /** Name of the node type; the worker finds it among the module's exports. */
  typeName: string;
  /** Absolute path or `file:` URL of the module that defines the type. */
  typeModule: string;
  /** Whether to initialise the TensorFlow.js engine first. */
  usesEngine: boolean;
  /** Backend requested with `--backend`; `undefined` selects automatically. */
  backend?: string;
  params: Record<string, unknown>;
  inputs: Record<string, ArtifactRef | ArtifactRef[]>;
  outDir: string;
  workDir: string;
  dataDir: string;
  pipelineDir: string;
  nodeName: string;
}

/** Runner to worker. */
export type ParentMessage =
  | { type: 'run'; request: WorkerRequest }
  /** Aborts the node's signal; the worker exits after a grace period. */
  | { type: 'cancel' };

/** Engine facts a worker reports after initialising it. */
export interface WorkerEngineInfo {
  backend: string;
  versions: Record<string, string>;
}

/** Worker to runner. */
export type WorkerMessage =
  | { type: 'event'; event: NodeEmittedEvent }
  | { type: 'result'; result: NodeResult; engine?: WorkerEngineInfo }
  | {
      type: 'error';
      error: { code: string; message: string; stack?: string };
      engine?: WorkerEngineInfo;
    };

/** Time a cancelled node gets to save a checkpoint before it is killed. */
export const CANCEL_GRACE_MS = 5_000;
