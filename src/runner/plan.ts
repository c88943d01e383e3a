/**
 * `plan`: which nodes a run would execute and why, without executing
 * anything. A node's key is known when all its inputs are cached. A node
 * downstream of one that will run gets its key only after that node ran,
 * because the key includes the digests of its inputs.
 */
import { dirname } from 'node:path';
import type { EventError } from '../events/events.js';
import type { ArtifactRef, CacheKey, NodeType } from '../nodes/node-type.js';
import type { NodeTypeRegistry } from '../nodes/registry.js';
import type { ResolvedNode, ResolvedPipeline } from '../spec/types.js';
import { computeCacheKey, sha256Json } from '../hashing/index.js';
import { describeArtifactProblem } from '../store/index.js';
import type { Store } from '../store/store.js';
import { describeChanges } from './change-reasons.js';
import {
  collectOwnKeyFields,
  FileDependencyError,
  inputDigests,
  type OwnKeyFields,
} from './key-fields.js';
import { orderNodes } from './node-order.js';
import { describeQuarantine } from './quarantine-note.js';
import { readRunRecords } from './record-file.js';
import type { CacheKeyFields } from './run-record.js';
import { isUserError } from './user-error.js';

/** Options of `plan`. */
export interface PlanOptions {
  /** Node types that the pipeline's `type:` fields name. */
  registry: NodeTypeRegistry;
  store: Store;
  /** Root folder of datasets, for nodes' file dependencies. */
  dataDir: string;
}

/** Whether a node's artifact exists (`cached`) or must be computed. */
export type PlanStatus = 'cached' | 'run';

/** One node of a plan. */
export interface PlannedNode {
  /** Planned node id: `name` or `name@variant`. */
  id: string;
  name: string;
  variant: string | null;
  type: string;
  /** 0 for nodes without inputs, else 1 + the deepest input. */
  depth: number;
  /** Ids of the upstream nodes. */
  dependsOn: string[];
  /** Cache key; `null` while an upstream node still has to run. */
  key: CacheKey | null;
  /** Key fields, once the key is known. */
  keyFields?: CacheKeyFields;
  status: PlanStatus;
  /** Reasons the node will run; empty for cached nodes. */
  reasons: string[];
  /**
   * Id of an earlier node (of another variant) doing the same work: this
   * node will reuse that execution instead of running again.
   */
  sharedWith?: string;
  /** The cached artifact, for `cached` nodes. */
  artifact?: ArtifactRef;
  /** Error that kept the key from being computed, such as a missing file. */
  error?: EventError;
  /**
   * Sentence naming the damaged artifact that the lookup moved to
   * `quarantine/`, when it found one under this node's key.
   */
  quarantined?: string;
}

/** The result of `plan`. */
export interface Plan {
  pipeline: string;
  pipelineFile: string;
  variants: (string | null)[];
  /** Nodes in topological order. */
  nodes: PlannedNode[];
  /** Node executions needed, counting work shared by variants once. */
  executions: number;
  /** Node executions that would be needed without sharing. */
  executionsWithoutSharing: number;
}

/** Plans `resolved` against the store and the latest run records. */
export async function plan(
  resolved: ResolvedPipeline,
  options: PlanOptions,
): Promise<Plan> {
  const order = orderNodes(resolved);
  const previous = await previousKeyFields(options.store, resolved.spec);
  const planned = new Map<string, PlannedNode>();
  const identities = new Map<string, string>();
  const firstByIdentity = new Map<string, string>();

  for (const node of order.nodes) {
    const { entry, own } = await planNode(
      node,
      resolved,
      options,
      planned,
      previous,
    );
    entry.depth = order.depths.get(node.id)!;
    entry.dependsOn = order.dependsOn.get(node.id)!;
    planned.set(node.id, entry);

    const identity = workIdentity(node, entry, own, identities);
    identities.set(node.id, identity);
    if (entry.status === 'run') {
      const first = firstByIdentity.get(identity);
      if (first === undefined) firstByIdentity.set(identity, node.id);
      else entry.sharedWith = first;
    }
  }

  const nodes = [...planned.values()];
  const toRun = nodes.filter((node) => node.status === 'run');
  return {
    pipeline: resolved.spec.name,
    pipelineFile: resolved.spec.file,
    variants: resolved.variants,
    nodes,
    executions: toRun.filter((node) => !node.sharedWith).length,
    executionsWithoutSharing: toRun.length,
  };
}

/** Returns the registered node type of `node`, or throws naming it. */
export function nodeTypeOf(
  node: ResolvedNode,
  registry: NodeTypeRegistry,
): NodeType {
  const type = registry.get(node.type);
  if (!type) {
    throw new Error(
      `Node \`${node.id}\` has type \`${node.type}\`, which is not registered: ` +
        'run `distillery types` to list the known types.',
    );
  }

  return type;
}

async function planNode(
  node: ResolvedNode,
  resolved: ResolvedPipeline,
  options: PlanOptions,
  planned: ReadonlyMap<string, PlannedNode>,
  previous: ReadonlyMap<string, CacheKeyFields>,
): Promise<{ entry: PlannedNode; own?: OwnKeyFields }> {
  const entry: PlannedNode = {
    id: node.id,
    name: node.name,
    variant: node.variant,
    type: node.type,
    depth: 0,
    dependsOn: [],
    key: null,
    status: 'run',
    reasons: [],
  };

  let own;
  try {
    own = await collectOwnKeyFields(node, nodeTypeOf(node, options.registry), {
      dataDir: options.dataDir,
      pipelineDir: dirname(resolved.spec.file),
    });
  } catch (error) {
    entry.error = toEventError(error);
    entry.reasons.push(entry.error.message);
    return { entry };
  }

  const upstream = [...new Set(Object.values(node.inputs).flat())];
  const waitingOn = upstream.filter(
    (id) => planned.get(id)!.status !== 'cached',
  );
  const last = previous.get(node.id);
  if (waitingOn.length > 0) {
    entry.reasons.push(`upstream will run: ${waitingOn.join(', ')}`);
    if (last) entry.reasons.push(...describeChanges(last, own));
    return { entry, own };
  }

  const artifacts = new Map(
    upstream.map((id) => [id, planned.get(id)!.artifact!] as const),
  );
  entry.keyFields = { ...own, inputs: inputDigests(node, artifacts) };
  entry.key = computeCacheKey(entry.keyFields);
  let damage: string | undefined;
  entry.artifact = await options.store.lookup(entry.key, {
    onQuarantine: (event) => {
      entry.quarantined = describeQuarantine(node.id, event);
      damage = describeArtifactProblem(event.problem);
    },
  });
  if (entry.artifact) {
    entry.status = 'cached';
    return { entry, own };
  }

  const changes = last ? describeChanges(last, entry.keyFields) : [];
  const missing = damage
    ? `damaged artifact moved to quarantine: ${damage}`
    : 'no artifact';
  entry.reasons.push(...(changes.length > 0 ? changes : [missing]));
  return { entry, own };
}

/**
 * Returns a value equal for two nodes exactly when they would do the same
 * work: the key when known, else a hash of the node's own key fields and
 * its upstream identities.
 */
function workIdentity(
  node: ResolvedNode,
  entry: PlannedNode,
  own: OwnKeyFields | undefined,
  identities: ReadonlyMap<string, string>,
): string {
  if (entry.key) return entry.key;
  if (!own) return `error:${node.id}`;

  const inputs: Record<string, string | string[]> = {};
  for (const [name, ids] of Object.entries(node.inputs)) {
    inputs[name] = Array.isArray(ids)
      ? ids.map((id) => identities.get(id)!)
      : identities.get(ids)!;
  }

  return sha256Json({ pending: own, inputs });
}

/**
 * Key fields of each node id in the newest run record of the same
 * pipeline file that has them. A node id that no record of this file has
 * falls back to the newest record of a pipeline with the same name, so a
 * copied or moved file keeps its reasons.
 */
async function previousKeyFields(
  store: Store,
  spec: { file: string; name: string },
): Promise<Map<string, CacheKeyFields>> {
  const records = await readRunRecords(store);
  const sameFile = records.filter(
    (record) => record.pipelineFile === spec.file,
  );
  const sameName = records.filter(
    (record) =>
      record.pipelineFile !== spec.file && record.pipeline === spec.name,
  );
  const fields = new Map<string, CacheKeyFields>();
  for (const record of [...sameFile, ...sameName]) {
    for (const node of Object.values(record.nodes)) {
      if (node.keyFields && !fields.has(node.id)) {
        fields.set(node.id, node.keyFields);
      }
    }
  }

  return fields;
}

/** Converts a thrown value to the error shape events carry. */
export function toEventError(
  error: unknown,
  fallbackCode = 'ERROR',
): EventError {
  const code = (error as { code?: unknown }).code;
  const typed = error instanceof FileDependencyError || isUserError(error);
  // A typed failure's message names the path or value and the fix, and a
  // stack trace under it would only bury that.
  const stack = error instanceof Error && !typed ? error.stack : undefined;
  return {
    code: typeof code === 'string' ? code : fallbackCode,
    message: error instanceof Error ? error.message : String(error),
    ...(stack ? { detail: stack } : {}),
  };
}
