/**
 * One attempt at a node: prepare its folders, run it in a worker process,
 * and publish its output, or discard it when the attempt fails or is
 * cancelled. Every path reports the outcome through the run reporter.
 */
import { readdir } from 'node:fs/promises';
import type { EventError } from '../events/events.js';
import type { ArtifactRef, CacheKey, NodeType } from '../nodes/node-type.js';
import type { ResolvedNode } from '../spec/types.js';
import type { Staging, Store } from '../store/store.js';
import { runInWorker, type WorkerOutcome } from './child-process.js';
import type { PlannedNode } from './plan.js';
import type { RunReporter } from './run-reporter.js';
import type { WorkerRequest } from './worker-protocol.js';

/** Parts of the run that an attempt uses. */
export interface AttemptContext {
  store: Store;
  reporter: RunReporter;
  /** Aborted when the run stops; cancels the worker. */
  stopSignal: AbortSignal;
  /** Ids of nodes whose worker is running; the attempt adds its own. */
  running: Set<string>;
  dataDir: string;
  pipelineDir: string;
  /** TensorFlow.js backend requested for the run. */
  backend?: string;
}

/** The node to attempt, with its key and input artifacts by node id. */
export interface AttemptTarget {
  planned: PlannedNode;
  node: ResolvedNode;
  type: NodeType;
  key: CacheKey;
  inputs: Map<string, ArtifactRef>;
}

/** A published attempt: the artifact and the node's returned result. */
export interface PublishedAttempt {
  artifact: ArtifactRef;
  summary: Record<string, unknown>;
  metrics: Record<string, number>;
}

/**
 * Runs `target` in a worker and publishes its output. Returns `undefined`
 * when the node failed or was cancelled, after reporting why.
 */
export async function attemptNode(
  context: AttemptContext,
  target: AttemptTarget,
): Promise<PublishedAttempt | undefined> {
  const { store, reporter } = context;
  const workDir = await store.workDir(target.key);
  await reportCheckpoints(reporter, target.planned.id, workDir);
  const staging = await store.createStaging();
  const request = workerRequest(context, target, staging.dir, workDir);

  let outcome: WorkerOutcome;
  try {
    outcome = await runWorker(context, target, request);
  } catch (error) {
    await store.discardStaging(staging);
    throw error;
  }

  if (!outcome.ok) {
    await store.discardStaging(staging);
    if (outcome.cancelled) await reporter.cancelled(target.planned.id);
    else await reporter.failed(target.planned.id, outcome.error);
    return undefined;
  }

  return publish(context, target, staging, outcome);
}

/** Tells the user when an earlier attempt left checkpoints to resume. */
async function reportCheckpoints(
  reporter: RunReporter,
  nodeId: string,
  workDir: string,
): Promise<void> {
  const entries = await readdir(workDir);
  if (entries.length === 0) return;

  reporter.emit({
    kind: 'log',
    nodeId,
    level: 'info',
    message:
      `Found ${entries.length} file(s) from an interrupted attempt in ` +
      `${workDir}; the node may resume from them.`,
  });
}

async function runWorker(
  context: AttemptContext,
  target: AttemptTarget,
  request: WorkerRequest,
): Promise<WorkerOutcome> {
  const { reporter } = context;
  const nodeId = target.planned.id;
  context.running.add(nodeId);
  const outcome = await runInWorker(request, {
    signal: context.stopSignal,
    onSpawn: (pid) => void reporter.started(nodeId, target.key, pid),
    onEvent: (event) => reporter.relay(nodeId, event),
    onOutput: (line, stream) =>
      reporter.emit({
        kind: 'log',
        nodeId,
        level: stream === 'stderr' ? 'warn' : 'info',
        message: line,
      }),
  });
  context.running.delete(nodeId);
  await reporter.flush();

  if (outcome.engine && !reporter.record.engine) {
    const engine = outcome.engine;
    await reporter.update((record) => {
      record.engine = engine;
    });
  }

  return outcome;
}

async function publish(
  context: AttemptContext,
  target: AttemptTarget,
  staging: Staging,
  outcome: Extract<WorkerOutcome, { ok: true }>,
): Promise<PublishedAttempt | undefined> {
  const { planned } = target;
  const metrics = outcome.result.metrics ?? {};
  const summary = outcome.result.summary ?? {};
  let artifact: ArtifactRef;
  try {
    artifact = await context.store.publish(staging, {
      key: target.key,
      kind: target.type.output,
      producer: planned.name,
      summary,
      metrics,
    });
  } catch (error) {
    await context.store.discardStaging(staging);
    await context.reporter.failed(planned.id, publishError(planned.id, error));
    return undefined;
  }

  const backend = outcome.engine?.backend;
  await context.reporter.ran(planned.id, artifact, metrics, backend);
  return { artifact, summary, metrics };
}

function workerRequest(
  context: AttemptContext,
  target: AttemptTarget,
  outDir: string,
  workDir: string,
): WorkerRequest {
  const { node, type } = target;
  const inputs: WorkerRequest['inputs'] = {};
  for (const [name, ids] of Object.entries(node.inputs)) {
    inputs[name] = Array.isArray(ids)
      ? ids.map((id) => target.inputs.get(id)!)
      : target.inputs.get(ids)!;
  }

  return {
    typeName: type.name,
    typeModule: type.module,
    usesEngine: type.usesEngine ?? false,
    ...(context.backend ? { backend: context.backend } : {}),
    params: node.params,
    inputs,
    outDir,
    workDir,
    dataDir: context.dataDir,
    pipelineDir: context.pipelineDir,
    nodeName: node.name,
  };
}

function publishError(nodeId: string, error: unknown): EventError {
  const cause = error instanceof Error ? error.message : String(error);
  return {
    code: 'PUBLISH_FAILED',
    message: `The artifact of node \`${nodeId}\` could not be published: ${cause}`,
    detail: error instanceof Error ? error.stack : undefined,
  };
}
