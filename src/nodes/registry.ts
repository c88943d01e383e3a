/**
 * The registry of node types that pipeline files can name: the built-ins
 * plus any custom types a project config registers.
 */
import type { NodeType } from './node-type.js';
import { builtinNodeTypes } from './builtin/index.js';

/** Node types by name. */
export type NodeTypeRegistry = ReadonlyMap<string, NodeType>;

/** Builds a registry from the built-ins and extra types; names must be unique. */
export function createRegistry(extra: NodeType[] = []): NodeTypeRegistry {
  const registry = new Map<string, NodeType>();
  for (const type of [...builtinNodeTypes, ...extra]) {
    if (registry.has(type.name)) {
      throw new Error(
        `Node type \`${type.name}\` is registered twice: rename the custom type.`,
      );
    }
    registry.set(type.name, type);
  }
  return registry;
}
