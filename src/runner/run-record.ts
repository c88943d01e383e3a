/**
 * The run record: one JSON file per run under `<store>/runs/`, written with
 * lowdb by the runner process that owns the run and by no other process.
 * `runs`, `show`, `compare` and `report` read these files.
 */
import type { EventError, NodeOutcome } from '../events/events.js';

/** Status of a node in a run record. */
export type NodeRecordStatus = NodeOutcome | 'pending' | 'running';

/** The fields hashed into a cache key, stored so `plan` can report changes. */
export interface CacheKeyFields {
  schema: number;
  type: string;
  typeVersion: string;
  implementation: string;
  params: Record<string, unknown>;
  inputs: Record<string, string | string[]>;
  files: Record<string, string>;
  env: Record<string, string | null>;
}

/** One node of one run. */
export interface NodeRecord {
  /** Planned node id: `name` or `name@variant`. */
  id: string;
  name: string;
  variant: string | null;
  type: string;
  status: NodeRecordStatus;
  /** Cache key; empty while an upstream node has not finished. */
  key: string;
  keyFields?: CacheKeyFields;
  /** Content digest of the artifact, once published or found. */
  artifactDigest?: string;
  /** Resolved parameters. */
  params: Record<string, unknown>;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /** Headline metrics the node returned. */
  metrics: Record<string, number>;
  /** TensorFlow.js backend of the child process, for ML nodes. */
  backend?: string;
  error?: EventError;
}

/** One run of a pipeline. */
export interface RunRecord {
  id: string;
  pipeline: string;
  /** Absolute path of the pipeline file. */
  pipelineFile: string;
  /** Variants run; `[null]` for a pipeline without variants. */
  variants: (string | null)[];
  /** The `--set` overrides given on the command line. */
  overrides: string[];
  startedAt: string;
  endedAt: string | null;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** Absolute path of the store. */
  store: string;
  /** Process id of the runner that writes this record; absent in old ones. */
  pid?: number;
  /** Host name of the machine of that runner; absent in old ones. */
  host?: string;
  /** Backend and package versions of TensorFlow.js, when a node used it. */
  engine?: { backend: string; versions: Record<string, string> };
  /** Nodes by planned node id, in topological order. */
  nodes: Record<string, NodeRecord>;
}
