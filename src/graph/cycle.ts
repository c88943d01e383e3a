/**
 * Cycle detection for validation: one cycle per strongly connected
 * component, so every independent cycle of a file is reported at once.
 */
import type { AbstractGraph } from 'graphology-types';

/**
 * Returns the node keys of one cycle in edge order: each node feeds the
 * next, and the last feeds the first. The cycle starts at its earliest
 * node in insertion order. Returns null when the graph is acyclic.
 */
export function findCycle(graph: AbstractGraph): string[] | null {
  return findCycles(graph)[0] ?? null;
}

/** Returns one cycle per strongly connected component that has one. */
export function findCycles(graph: AbstractGraph): string[][] {
  const order = new Map(graph.nodes().map((node, index) => [node, index]));
  const cycles: string[][] = [];

  for (const component of stronglyConnectedComponents(graph)) {
    const members = new Set(component);
    const start = component.reduce((a, b) =>
      order.get(a)! <= order.get(b)! ? a : b,
    );
    const isCycle = component.length > 1 || graph.hasDirectedEdge(start, start);
    if (isCycle) cycles.push(shortestCycleThrough(graph, start, members));
  }

  return cycles.sort((a, b) => order.get(a[0])! - order.get(b[0])!);
}

/** Breadth-first search from `start` back to itself within `members`. */
function shortestCycleThrough(
  graph: AbstractGraph,
  start: string,
  members: ReadonlySet<string>,
): string[] {
  const previous = new Map<string, string>();
  const queue = [start];

  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];

    for (const next of graph.outNeighbors(node)) {
      if (!members.has(next)) continue;
      if (next === start) return pathTo(previous, node, start);
      if (previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }

  throw new Error(
    `Internal error: no cycle through \`${start}\` in its component.`,
  );
}

function pathTo(
  previous: Map<string, string>,
  last: string,
  start: string,
): string[] {
  const path = [last];
  while (path[0] !== start) path.unshift(previous.get(path[0])!);
  return path;
}

/**
 * Tarjan's algorithm, written with an explicit stack because a chain of
 * ten thousand nodes would overflow the call stack if recursive.
 */
function stronglyConnectedComponents(graph: AbstractGraph): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of graph.nodes()) {
    if (index.has(root)) continue;
    const work: { node: string; neighbors: string[]; next: number }[] = [];

    const visit = (node: string): void => {
      index.set(node, counter);
      lowLink.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, neighbors: graph.outNeighbors(node), next: 0 });
    };

    visit(root);

    while (work.length > 0) {
      const frame = work[work.length - 1];

      if (frame.next < frame.neighbors.length) {
        const neighbor = frame.neighbors[frame.next++];
        if (!index.has(neighbor)) visit(neighbor);
        else if (onStack.has(neighbor)) {
          lowLink.set(
            frame.node,
            Math.min(lowLink.get(frame.node)!, index.get(neighbor)!),
          );
        }
        continue;
      }

      work.pop();
      const parent = work[work.length - 1];
      if (parent) {
        lowLink.set(
          parent.node,
          Math.min(lowLink.get(parent.node)!, lowLink.get(frame.node)!),
        );
      }

      if (lowLink.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }

  return components;
}
