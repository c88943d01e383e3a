/**
 * Dependency order of a resolved pipeline's nodes, read from each node's
 * inputs. Kept here, independent of the graph module, so planning needs
 * nothing but the resolved nodes.
 */
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
 * which validation should have reported already.
 */
export function orderNodes(resolved: ResolvedPipeline): NodeOrder {
  const byId = new Map(resolved.nodes.map((node) => [node.id, node]));
  const dependsOn = new Map(
    resolved.nodes.map((node) => [node.id, inputIds(node)]),
  );
  for (const [id, upstream] of dependsOn) {
    const unknown = upstream.find((input) => !byId.has(input));
    if (unknown !== undefined) {
      throw new Error(
        `Internal error: node \`${id}\` reads \`${unknown}\`, ` +
          'which is not in the resolved pipeline.',
      );
    }
  }

  const nodes: ResolvedNode[] = [];
  const depths = new Map<string, number>();
  while (nodes.length < resolved.nodes.length) {
    const ready = resolved.nodes.filter(
      (node) =>
        !depths.has(node.id) &&
        dependsOn.get(node.id)!.every((input) => depths.has(input)),
    );
    if (ready.length === 0) {
      throw new Error('Internal error: the resolved pipeline has a cycle.');
    }

    for (const node of ready) {
      const inputDepths = dependsOn.get(node.id)!.map((id) => depths.get(id)!);
      depths.set(
        node.id,
        inputDepths.length ? Math.max(...inputDepths) + 1 : 0,
      );
      nodes.push(node);
    }
  }

  return { nodes, depths, dependsOn };
}
