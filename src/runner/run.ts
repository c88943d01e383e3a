/**
 * `run`: plans a resolved pipeline, then executes the nodes that are not
 * cached, up to `jobs` at once, each in its own child process.
 */
import { hostname } from 'node:os';
import type { Logger, NodeOutcome, RunEvent } from '../events/events.js';
import { RunRecordWriter } from './record-file.js';
import { createRunId } from './run-id.js';
import { RunExecution } from './run-execution.js';
import { RunReporter } from './run-reporter.js';
import type { MetricsTable } from './evaluation-metrics.js';
import type { NodeRecord, RunRecord } from './run-record.js';
import { plan, type Plan, type PlanOptions } from './plan.js';
import type { ResolvedPipeline } from '../spec/types.js';

/** Reason a run is stopped early. */
export type StopReason = 'signal' | 'user';

/** Options of `run`. */
export interface RunOptions extends PlanOptions {
  /** Maximum number of nodes executing at once. Default 1. */
  jobs?: number;
  /** Consumers of the event stream. `run` does not close them. */
  loggers?: Logger[];
  /** Called with every event, after the loggers. */
  onEvent?(event: RunEvent): void;
  /**
   * Stops the run: running nodes are cancelled, nothing else starts.
   * Abort with the reason `'user'` for a stop asked for in the UI; any
   * other reason is reported as a signal.
   */
  signal?: AbortSignal;
  /** The `--set` overrides, recorded in the run record. */
  overrides?: string[];
  /** TensorFlow.js backend for nodes that use the engine. */
  backend?: string;
}

/** Result of `run`. */
export interface RunResult {
  /** The final run record, as written to `<store>/runs/<id>.json`. */
  record: RunRecord;
  status: RunRecord['status'];
  /** Nodes by final outcome. */
  counts: Record<NodeOutcome, number>;
  /** Metrics tables of `evaluate` nodes, by node id. */
  metrics: Record<string, MetricsTable>;
  /** The plan the run started from. */
  plan: Plan;
}

/** Runs `resolved` and resolves once every node has ended. */
export async function run(
  resolved: ResolvedPipeline,
  options: RunOptions,
): Promise<RunResult> {
  await options.store.init();
  const planned = await plan(resolved, options);
  const record = initialRecord(planned, resolved, options);
  const reporter = new RunReporter(
    new RunRecordWriter(options.store, record),
    (event) => {
      for (const logger of options.loggers ?? []) logger.handle(event);
      options.onEvent?.(event);
    },
  );
  await reporter.flush();

  const execution = new RunExecution(resolved, planned, reporter, options);
  return execution.execute();
}

function initialRecord(
  planned: Plan,
  resolved: ResolvedPipeline,
  options: RunOptions,
): RunRecord {
  const nodes: Record<string, NodeRecord> = {};
  for (const node of planned.nodes) {
    nodes[node.id] = {
      id: node.id,
      name: node.name,
      variant: node.variant,
      type: node.type,
      status: 'pending',
      key: node.key ?? '',
      ...(node.keyFields ? { keyFields: node.keyFields } : {}),
      params: resolved.nodes.find((item) => item.id === node.id)!.params,
      metrics: {},
    };
  }

  return {
    id: createRunId(),
    pipeline: planned.pipeline,
    pipelineFile: planned.pipelineFile,
    variants: planned.variants,
    overrides: options.overrides ?? [],
    startedAt: new Date().toISOString(),
    endedAt: null,
    status: 'running',
    store: options.store.root,
    pid: process.pid,
    host: hostname(),
    nodes,
  };
}
