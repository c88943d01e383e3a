/**
 * The one place a run's state changes: each node transition updates the
 * run record (written durably) and emits the matching event, so the two
 * never disagree.
 */
import type {
  EventError,
  NodeEmittedEvent,
  NodeOutcome,
  RunEvent,
} from '../events/events.js';
import type { ArtifactRef } from '../nodes/node-type.js';
import type { RunRecordWriter } from './record-file.js';
import type { CacheKeyFields, NodeRecord, RunRecord } from './run-record.js';

/** Receives every event of a run. */
export type EventSink = (event: RunEvent) => void;

/** Distributes event payloads without their `time` field. */
type Untimed<E> = E extends RunEvent ? Omit<E, 'time'> : never;

/** Updates the record and emits events for one run. */
export class RunReporter {
  constructor(
    private readonly writer: RunRecordWriter,
    private readonly sink: EventSink,
  ) {}

  /** The run record as last updated. */
  get record(): RunRecord {
    return this.writer.record;
  }

  /** Emits an event, stamping it with the current time. */
  emit(event: Untimed<RunEvent>): void {
    this.sink({ ...event, time: new Date().toISOString() } as RunEvent);
  }

  /** Relays an event a node emitted from its process. */
  relay(nodeId: string, event: NodeEmittedEvent): void {
    this.emit({ ...event, nodeId });
  }

  /** Records the key once the inputs' digests are known. */
  async keyed(
    nodeId: string,
    key: string,
    keyFields: CacheKeyFields,
  ): Promise<void> {
    await this.updateNode(nodeId, (node) => {
      node.key = key;
      node.keyFields = keyFields;
    });
  }

  queued(nodeId: string): void {
    this.emit({ kind: 'node-queued', nodeId });
  }

  async cached(
    nodeId: string,
    artifact: ArtifactRef,
    metrics: Record<string, number>,
  ): Promise<void> {
    await this.updateNode(nodeId, (node) => {
      node.status = 'cached';
      node.key = artifact.key;
      node.artifactDigest = artifact.digest;
      node.metrics = metrics;
    });
    this.emit({ kind: 'node-cached', nodeId, key: artifact.key });
  }

  async started(nodeId: string, key: string, pid: number): Promise<void> {
    await this.updateNode(nodeId, (node) => {
      node.status = 'running';
      node.startedAt = new Date().toISOString();
    });
    this.emit({ kind: 'node-started', nodeId, key, pid });
  }

  async ran(
    nodeId: string,
    artifact: ArtifactRef,
    metrics: Record<string, number>,
    backend: string | undefined,
  ): Promise<void> {
    const durationMs = await this.end(nodeId, 'ran', (node) => {
      node.artifactDigest = artifact.digest;
      node.metrics = metrics;
      if (backend) node.backend = backend;
    });
    this.emit({
      kind: 'node-finished',
      nodeId,
      key: artifact.key,
      durationMs,
      metrics,
      ...(backend ? { backend } : {}),
    });
  }

  async failed(nodeId: string, error: EventError): Promise<void> {
    const durationMs = await this.end(nodeId, 'failed', (node) => {
      node.error = error;
    });
    const key = this.record.nodes[nodeId].key;
    this.emit({ kind: 'node-failed', nodeId, key, durationMs, error });
  }

  /** Marks a node cancelled while it ran; its partial output is gone. */
  async cancelled(nodeId: string): Promise<void> {
    const durationMs = await this.end(nodeId, 'cancelled', () => undefined);
    const message = `Node \`${nodeId}\` was cancelled; its checkpoints are kept.`;

    // Consumers learn that the node stopped from this event and its code;
    // the record keeps the more precise status `cancelled`.
    const key = this.record.nodes[nodeId].key;
    const error = { code: 'NODE_CANCELLED', message };
    this.emit({ kind: 'node-failed', nodeId, key, durationMs, error });
  }

  /** Marks a node that never started, saying why. */
  async skipped(nodeId: string, why: string): Promise<void> {
    await this.updateNode(nodeId, (node) => {
      node.status = 'skipped';
    });
    this.emit({ kind: 'log', nodeId, level: 'warn', message: why });
  }

  /** Applies a change to the whole record and writes it. */
  update(change: (record: RunRecord) => void): Promise<void> {
    return this.writer.update(change);
  }

  /** Waits until every record write is on disk. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  private async end(
    nodeId: string,
    status: NodeOutcome,
    change: (node: NodeRecord) => void,
  ): Promise<number> {
    const endedAt = new Date();
    let durationMs = 0;
    await this.updateNode(nodeId, (node) => {
      const startedAt = node.startedAt
        ? Date.parse(node.startedAt)
        : endedAt.getTime();
      durationMs = endedAt.getTime() - startedAt;
      node.status = status;
      node.endedAt = endedAt.toISOString();
      node.durationMs = durationMs;
      change(node);
    });
    return durationMs;
  }

  private updateNode(
    nodeId: string,
    change: (node: NodeRecord) => void,
  ): Promise<void> {
    return this.writer.update((record) => change(record.nodes[nodeId]));
  }
}
