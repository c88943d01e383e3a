/**
 * Dependency order of a resolved pipeline's nodes, from the plan graph of
 * `src/graph`: the order in which the runner plans and starts nodes.
 */
import { buildGraph, nodeDepths, topologicalOrder } from '../graph/index.js';
import type { ResolvedNode, ResolvedPipeline } from '../spec/types.js';

/** The nodes in an order where every node comes after its inputs. */
export interface NodeOrder {
  nodes: ResolvedNode[];
  /** Depth of each node id: 0 without inputs, else 1 + deepest input. */
  depths: Map<string, number>;
  /** Upstream node ids of each node id, unique, in input order. */
  dependsOn: Map<string, string[]>;
}

/** Returns the ids a node's inputs name, unique, in input order. */
export function inputIds(node: ResolvedNode): string[] {
  const ids = Object.values(node.inputs).flatMap((value) =>
    Array.isArray(value) ? value : [value],
  );
  return [...new Set(ids)];
}

/**
 * Orders nodes so that inputs come first, keeping the file's order among
 * nodes that are ready together. Throws on an unknown input or a cycle,
 * which validation reports before a pipeline is resolved.
 */
export function orderNodes(resolved: ResolvedPipeline): NodeOrder {
  const graph = buildGraph(resolved);
  const nodes = topologicalOrder(graph).map((id) =>
    graph.getNodeAttributes(id),
  );
  const dependsOn = new Map(nodes.map((node) => [node.id, inputIds(node)]));
  return { nodes, depths: nodeDepths(graph), dependsOn };
}
