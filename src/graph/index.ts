/**
 * The graph of planned nodes: one graphology node per `ResolvedNode`, one
 * edge from each upstream node to each node that reads it.
 */
import { DirectedGraph } from 'graphology';
import type { ResolvedPipeline, ResolvedNode } from '../spec/types.js';

export { findCycle, findCycles } from './cycle.js';
export { nodeDepths, topologicalOrder } from './order.js';

/** Attributes of an edge: the downstream node's inputs that read the source. */
export interface PlanEdge {
  inputs: string[];
}

/** The plan graph; node keys are `ResolvedNode.id`. */
export type PlanGraph = DirectedGraph<ResolvedNode, PlanEdge>;

/**
 * Builds the graph of a resolved pipeline. Nodes are added in the order of
 * `pipeline.nodes`, which `topologicalOrder` uses to break ties.
 */
export function buildGraph(pipeline: ResolvedPipeline): PlanGraph {
  const graph: PlanGraph = new DirectedGraph<ResolvedNode, PlanEdge>();
  for (const node of pipeline.nodes) graph.addNode(node.id, node);

  for (const node of pipeline.nodes) {
    for (const [input, upstream] of Object.entries(node.inputs)) {
      for (const id of typeof upstream === 'string' ? [upstream] : upstream) {
        addInputEdge(graph, id, node.id, input);
      }
    }
  }

  return graph;
}

function addInputEdge(
  graph: PlanGraph,
  source: string,
  target: string,
  input: string,
): void {
  if (!graph.hasNode(source)) {
    throw new Error(
      `Internal error: node \`${target}\` reads \`${source}\`, which is not planned.`,
    );
  }

  if (graph.hasDirectedEdge(source, target)) {
    graph.getDirectedEdgeAttributes(source, target).inputs.push(input);
    return;
  }

  graph.addDirectedEdge(source, target, { inputs: [input] });
}
