import { DirectedGraph } from 'graphology';
import { describe, expect, test } from 'vitest';
import {
  buildGraph,
  findCycle,
  findCycles,
  nodeDepths,
  topologicalOrder,
} from '../src/graph/index.js';
import { loadAndResolve } from './fixtures/pipelines/helpers.js';

/** A graph of bare nodes added in `nodes` order with `edges` as `a>b`. */
function graphOf(nodes: string[], edges: string[]): DirectedGraph {
  const graph = new DirectedGraph();
  for (const node of nodes) graph.addNode(node);
  for (const edge of edges) {
    const [source, target] = edge.split('>');
    graph.addDirectedEdge(source, target);
  }
  return graph;
}

const DIAMOND = `name: diamond
nodes:
  report:
    type: shell
    inputs: { after: [left, right] }
  right:
    type: shell
    inputs: { after: [root] }
  left:
    type: shell
    inputs: { after: [root] }
  root:
    type: shell
  lone:
    type: shell
`;

describe('plan graph', () => {
  test('edges run from upstream to downstream', () => {
    const graph = buildGraph(loadAndResolve(DIAMOND));
    expect(graph.order).toBe(5);
    expect(graph.size).toBe(4);
    expect(graph.hasDirectedEdge('root', 'left')).toBe(true);
    expect(graph.hasDirectedEdge('left', 'root')).toBe(false);
    expect(graph.getNodeAttributes('report').type).toBe('shell');
    expect(graph.getDirectedEdgeAttributes('left', 'report').inputs).toEqual([
      'after',
    ]);
  });

  test('topological order breaks ties by file order', () => {
    const graph = buildGraph(loadAndResolve(DIAMOND));
    expect(topologicalOrder(graph)).toEqual([
      'root',
      'right',
      'left',
      'report',
      'lone',
    ]);
  });

  test('depth is the longest path from a source', () => {
    const depths = nodeDepths(
      graphOf(['a', 'b', 'c', 'd'], ['a>b', 'b>c', 'a>c', 'c>d']),
    );
    expect(Object.fromEntries(depths)).toEqual({ a: 0, b: 1, c: 2, d: 3 });
  });

  test('depths of the diamond', () => {
    const depths = nodeDepths(buildGraph(loadAndResolve(DIAMOND)));
    expect(Object.fromEntries(depths)).toEqual({
      root: 0,
      lone: 0,
      left: 1,
      right: 1,
      report: 2,
    });
  });

  test('variants order by file position, then variant', () => {
    const text = `${DIAMOND}variants:\n  matrix:\n    nodes.lone.params.command: [x, y]\n`;
    const graph = buildGraph(loadAndResolve(text, { allVariants: true }));
    // A ready node earlier in the file goes first, so variant x's chain
    // runs ahead of variant y's root.
    expect(topologicalOrder(graph).slice(0, 5)).toEqual([
      'root@command=x',
      'right@command=x',
      'left@command=x',
      'report@command=x',
      'root@command=y',
    ]);
    expect(graph.hasDirectedEdge('root@command=x', 'right@command=y')).toBe(
      false,
    );
  });

  test('two inputs reading one node share an edge', () => {
    const text =
      'name: x\nnodes:\n  d:\n    type: load-data\n    params: { dataset: ml-100k }\n  s:\n    type: pretrain-student\n    inputs: { dataset: d }\n  t:\n    type: init-teacher-from-student\n    params: { init: random }\n    inputs: { dataset: d, student: s }\n  e:\n    type: evaluate\n    inputs: { dataset: d, models: [s, t], baseline: s }\n';
    const graph = buildGraph(loadAndResolve(text));
    expect(graph.getDirectedEdgeAttributes('s', 'e').inputs).toEqual([
      'models',
      'baseline',
    ]);
  });

  test('cycle is found in edge order', () => {
    const graph = graphOf(['x', 'a', 'b', 'c'], ['x>a', 'a>b', 'b>c', 'c>a']);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c']);
  });

  test('acyclic graph has no cycle', () => {
    expect(findCycle(graphOf(['a', 'b'], ['a>b']))).toBeNull();
  });

  test('independent cycles are all found', () => {
    const graph = graphOf(
      ['p', 'q', 'a', 'b', 's'],
      ['a>b', 'b>a', 'q>p', 'p>q', 's>s'],
    );
    expect(findCycles(graph)).toEqual([['p', 'q'], ['a', 'b'], ['s']]);
  });

  test('long chain does not overflow the stack', () => {
    const names = Array.from({ length: 20_000 }, (_, index) => `n${index}`);
    const edges = names
      .slice(1)
      .map((name, index) => `${names[index]}>${name}`);
    const graph = graphOf(names, [...edges, `n19999>n0`]);
    expect(findCycle(graph)).toHaveLength(20_000);
    graph.dropEdge('n19999', 'n0');
    expect(topologicalOrder(graph)[19_999]).toBe('n19999');
  });

  test('topological order rejects a cycle', () => {
    expect(() => topologicalOrder(graphOf(['a', 'b'], ['a>b', 'b>a']))).toThrow(
      /Internal error/,
    );
  });
});
