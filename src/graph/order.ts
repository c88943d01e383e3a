/** Deterministic topological order and depths of a plan graph. */
import type { AbstractGraph } from 'graphology-types';
import { MinHeap } from './min-heap.js';

/**
 * Returns the node keys in dependency order. Among nodes that are ready at
 * the same time, the one added to the graph first comes first, so the
 * order follows the pipeline file. Throws when the graph has a cycle,
 * which validation rules out before a graph is built.
 */
export function topologicalOrder(graph: AbstractGraph): string[] {
  const nodes = graph.nodes();
  const position = new Map(nodes.map((node, index) => [node, index]));
  const waiting = new Map(
    nodes.map((node) => [node, graph.inNeighbors(node).length]),
  );
  const ready = new MinHeap();
  const order: string[] = [];

  nodes.forEach((node, index) => {
    if (waiting.get(node) === 0) ready.push(index);
  });

  while (ready.size > 0) {
    const node = nodes[ready.pop()!];
    order.push(node);

    for (const next of graph.outNeighbors(node)) {
      const remaining = waiting.get(next)! - 1;
      waiting.set(next, remaining);
      if (remaining === 0) ready.push(position.get(next)!);
    }
  }

  if (order.length !== nodes.length) {
    throw new Error(
      'Internal error: the plan graph has a cycle; validation should have rejected it.',
    );
  }

  return order;
}

/**
 * Returns each node's depth: 0 for a node without inputs, otherwise one
 * more than its deepest upstream node (the longest path from a source).
 */
export function nodeDepths(graph: AbstractGraph): Map<string, number> {
  const depths = new Map<string, number>();

  for (const node of topologicalOrder(graph)) {
    const upstream = graph
      .inNeighbors(node)
      .map((neighbor) => depths.get(neighbor)!);
    depths.set(node, upstream.length === 0 ? 0 : Math.max(...upstream) + 1);
  }

  return depths;
}
