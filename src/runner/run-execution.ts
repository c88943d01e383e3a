/**
 * The scheduler of one run. Each node gets a task that waits for its
 * inputs and computes its key. The task then reuses a cached artifact,
 * shares the execution of another variant's node with the same key, or
 * runs the node in a child process once a job slot and the key's lock are
 * free.
 */
import { dirname } from 'node:path';
import type { NodeOutcome, PlannedNodeInfo } from '../events/events.js';
import type { ArtifactRef, CacheKey, NodeType } from '../nodes/node-type.js';
import type { ResolvedNode, ResolvedPipeline } from '../spec/types.js';
import { computeCacheKey } from '../hashing/index.js';
import { readStoredResult } from '../store/store.js';
import { attemptNode, type AttemptContext } from './node-attempt.js';
import {
  EVALUATE_TYPE,
  metricsTable,
  type MetricsTable,
} from './evaluation-metrics.js';
import { collectOwnKeyFields, inputDigests } from './key-fields.js';
import {
  nodeTypeOf,
  toEventError,
  type Plan,
  type PlannedNode,
} from './plan.js';
import { describeQuarantine } from './quarantine-note.js';
import type { RunOptions, RunResult, StopReason } from './run.js';
import type { RunReporter } from './run-reporter.js';
import type { CacheKeyFields } from './run-record.js';
import { Semaphore } from './semaphore.js';

const NODE_OUTCOMES: NodeOutcome[] = [
  'ran',
  'cached',
  'failed',
  'cancelled',
  'skipped',
];

/** The execution of one planned run. */
export class RunExecution {
  private readonly nodes: Map<string, ResolvedNode>;
  private readonly artifacts = new Map<
    string,
    Promise<ArtifactRef | undefined>
  >();
  private readonly executions = new Map<
    CacheKey,
    Promise<ArtifactRef | undefined>
  >();
  private readonly slots: Semaphore;
  private readonly stopController = new AbortController();
  private readonly metrics: Record<string, MetricsTable> = {};
  private readonly startedAtMs = Date.now();
  private readonly running = new Set<string>();
  private readonly pipelineDir: string;

  constructor(
    resolved: ResolvedPipeline,
    private readonly plan: Plan,
    private readonly reporter: RunReporter,
    private readonly options: RunOptions,
  ) {
    this.nodes = new Map(resolved.nodes.map((node) => [node.id, node]));
    this.slots = new Semaphore(Math.max(1, options.jobs ?? 1));
    this.pipelineDir = dirname(resolved.spec.file);
  }

  /** Runs every node and returns the run's result. */
  async execute(): Promise<RunResult> {
    this.announce();
    for (const node of this.plan.nodes) {
      if (node.quarantined) this.warnDamaged(node.id, node.quarantined);
    }

    const onAbort = (): void => this.stop(stopReasonOf(this.options.signal));
    if (this.options.signal?.aborted) onAbort();
    this.options.signal?.addEventListener('abort', onAbort, { once: true });

    try {
      for (const node of this.plan.nodes) {
        this.artifacts.set(node.id, this.runNodeSafely(node));
      }

      await Promise.all(this.artifacts.values());
    } finally {
      this.options.signal?.removeEventListener('abort', onAbort);
    }

    return this.finish();
  }

  private warnDamaged(nodeId: string, message: string): void {
    this.reporter.emit({ kind: 'log', nodeId, level: 'warn', message });
  }

  // Looks `key` up, warning when a damaged artifact is set aside.
  private lookup(planned: PlannedNode, key: CacheKey) {
    return this.options.store.lookup(key, {
      onQuarantine: (event) =>
        this.warnDamaged(planned.id, describeQuarantine(planned.id, event)),
    });
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  private announce(): void {
    const record = this.reporter.record;
    this.reporter.emit({
      kind: 'run-started',
      runId: record.id,
      pipeline: record.pipeline,
      pipelineFile: record.pipelineFile,
      variants: this.plan.variants.filter(
        (name): name is string => name !== null,
      ),
      nodes: this.plan.nodes.map(toNodeInfo),
      ...(this.options.backend ? { backend: this.options.backend } : {}),
      store: record.store,
      jobs: Math.max(1, this.options.jobs ?? 1),
    });
  }

  private stop(reason: StopReason): void {
    if (this.stopped) return;

    const running = this.running.size;
    this.reporter.emit({
      kind: 'run-stopping',
      reason,
      message:
        `Stopping: cancelling ${running} running node(s) and starting no ` +
        'others. Published artifacts and the checkpoints under work/ are ' +
        'kept; unfinished outputs are discarded.',
    });
    this.stopController.abort(new Error('The run was stopped.'));
  }

  /**
   * Runs a node, turning an unexpected error (a full disk, a store that
   * cannot be written) into a failure of that node, so the other nodes go
   * on and the run record ends consistent.
   */
  private async runNodeSafely(
    planned: PlannedNode,
  ): Promise<ArtifactRef | undefined> {
    try {
      return await this.runNode(planned);
    } catch (error) {
      this.running.delete(planned.id);
      await this.reporter.failed(
        planned.id,
        toEventError(error, 'RUNNER_ERROR'),
      );
      return undefined;
    }
  }

  private async runNode(
    planned: PlannedNode,
  ): Promise<ArtifactRef | undefined> {
    const upstream = await Promise.all(
      planned.dependsOn.map((id) => this.artifacts.get(id)!),
    );
    const missing = planned.dependsOn.filter((_id, index) => !upstream[index]);
    if (missing.length > 0) {
      await this.reporter.skipped(
        planned.id,
        `Node \`${planned.id}\` skipped: upstream ${missing.join(', ')} did not finish.`,
      );
      return undefined;
    }

    if (planned.status === 'cached' && planned.artifact) {
      await this.markCached(planned, planned.artifact);
      return planned.artifact;
    }

    if (this.stopped) return this.skipStopped(planned);

    const inputs = new Map(
      planned.dependsOn.map((id, index) => [id, upstream[index]!] as const),
    );
    return this.runWithInputs(planned, inputs);
  }

  private async runWithInputs(
    planned: PlannedNode,
    inputs: Map<string, ArtifactRef>,
  ): Promise<ArtifactRef | undefined> {
    const node = this.nodes.get(planned.id)!;
    let fields: CacheKeyFields;
    try {
      const own = await collectOwnKeyFields(node, this.typeOf(node), {
        dataDir: this.options.dataDir,
        pipelineDir: this.pipelineDir,
      });
      fields = { ...own, inputs: inputDigests(node, inputs) };
    } catch (error) {
      await this.reporter.failed(planned.id, toEventError(error, 'KEY_FAILED'));
      return undefined;
    }

    const key = computeCacheKey(fields);
    await this.reporter.keyed(planned.id, key, fields);
    const shared = this.executions.get(key);
    if (shared) return this.reuse(planned, shared);

    const execution = this.produce(planned, node, key, inputs);
    this.executions.set(key, execution);
    return execution;
  }

  /** Waits for another node with the same key and takes its artifact. */
  private async reuse(
    planned: PlannedNode,
    shared: Promise<ArtifactRef | undefined>,
  ): Promise<ArtifactRef | undefined> {
    const artifact = await shared;
    if (artifact) {
      await this.markCached(planned, artifact);
      return artifact;
    }

    if (this.stopped) return this.skipStopped(planned);

    await this.reporter.failed(planned.id, {
      code: 'SHARED_EXECUTION_FAILED',
      message:
        `Node \`${planned.id}\` has the same cache key as a node of another ` +
        'variant that failed; see that node for the cause.',
    });
    return undefined;
  }

  private async produce(
    planned: PlannedNode,
    node: ResolvedNode,
    key: CacheKey,
    inputs: Map<string, ArtifactRef>,
  ): Promise<ArtifactRef | undefined> {
    const found = await this.lookup(planned, key);
    if (found) {
      await this.markCached(planned, found);
      return found;
    }

    this.reporter.queued(planned.id);
    try {
      await this.slots.acquire(this.stopController.signal);
    } catch {
      return this.skipStopped(planned);
    }

    try {
      return await this.produceWithSlot(planned, node, key, inputs);
    } finally {
      this.slots.release();
    }
  }

  private async produceWithSlot(
    planned: PlannedNode,
    node: ResolvedNode,
    key: CacheKey,
    inputs: Map<string, ArtifactRef>,
  ): Promise<ArtifactRef | undefined> {
    let lock;
    try {
      lock = await this.options.store.lock(key, {
        signal: this.stopController.signal,
        onWait: (owner) =>
          this.reporter.emit({
            kind: 'log',
            nodeId: planned.id,
            level: 'info',
            message:
              `Waiting for process ${owner.pid} on ${owner.hostname}, ` +
              `which is computing the same key ${key.slice(0, 12)}.`,
          }),
      });
    } catch {
      return this.skipStopped(planned);
    }

    try {
      // Another process may have published while this one waited.
      const found = await this.lookup(planned, key);
      if (found) {
        await this.markCached(planned, found);
        return found;
      }

      const attempt = await attemptNode(this.attemptContext(), {
        planned,
        node,
        type: this.typeOf(node),
        key,
        inputs,
      });
      if (attempt) {
        this.collectMetrics(planned, attempt.summary, attempt.metrics);
      }

      return attempt?.artifact;
    } finally {
      await lock.release();
    }
  }

  private attemptContext(): AttemptContext {
    return {
      store: this.options.store,
      reporter: this.reporter,
      stopSignal: this.stopController.signal,
      running: this.running,
      dataDir: this.options.dataDir,
      pipelineDir: this.pipelineDir,
      ...(this.options.backend ? { backend: this.options.backend } : {}),
    };
  }

  private async markCached(
    planned: PlannedNode,
    artifact: ArtifactRef,
  ): Promise<void> {
    const stored = await readStoredResult(artifact.dir);
    this.collectMetrics(planned, stored.summary, stored.metrics);
    await this.reporter.cached(planned.id, artifact, stored.metrics);
  }

  private async skipStopped(planned: PlannedNode): Promise<undefined> {
    await this.reporter.skipped(
      planned.id,
      `Node \`${planned.id}\` not started: the run is stopping.`,
    );
    return undefined;
  }

  private collectMetrics(
    planned: PlannedNode,
    summary: Record<string, unknown>,
    metrics: Record<string, number>,
  ): void {
    if (planned.type !== EVALUATE_TYPE) return;

    const table = metricsTable(summary, metrics);
    if (Object.keys(table).length > 0) this.metrics[planned.id] = table;
  }

  private typeOf(node: ResolvedNode): NodeType {
    return nodeTypeOf(node, this.options.registry);
  }

  private async finish(): Promise<RunResult> {
    const counts = countOutcomes(this.reporter.record.nodes);
    const status = this.stopped
      ? 'cancelled'
      : counts.failed > 0
        ? 'failed'
        : 'succeeded';
    await this.reporter.update((record) => {
      record.status = status;
      record.endedAt = new Date().toISOString();
    });
    await this.reporter.flush();

    this.reporter.emit({
      kind: 'run-finished',
      runId: this.reporter.record.id,
      status,
      durationMs: Date.now() - this.startedAtMs,
      counts,
      metrics: this.metrics,
    });
    return {
      record: this.reporter.record,
      status,
      counts,
      metrics: this.metrics,
      plan: this.plan,
    };
  }
}

function toNodeInfo(node: PlannedNode): PlannedNodeInfo {
  return {
    id: node.id,
    name: node.name,
    variant: node.variant,
    type: node.type,
    key: node.key ?? '',
    depth: node.depth,
    dependsOn: node.dependsOn,
    cached: node.status === 'cached',
  };
}

function countOutcomes(
  nodes: Record<string, { status: string }>,
): Record<NodeOutcome, number> {
  const counts = Object.fromEntries(
    NODE_OUTCOMES.map((name) => [name, 0]),
  ) as Record<NodeOutcome, number>;
  for (const node of Object.values(nodes)) {
    if (node.status in counts) counts[node.status as NodeOutcome] += 1;
  }

  return counts;
}

function stopReasonOf(signal: AbortSignal | undefined): StopReason {
  return signal?.reason === 'user' ? 'user' : 'signal';
}
