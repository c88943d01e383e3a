/**
 * The project config: a `distillery.config.ts` (or `.mts`, `.js`, `.mjs`)
 * whose default export registers custom node types.
 *
 * ```ts
 * import { defineConfig } from 'distillery';
 * import { itemStats } from './item-stats.ts';
 *
 * export default defineConfig({ nodeTypes: [itemStats] });
 * ```
 */
import type { NodeType } from '../nodes/node-type.js';

/** The default export of a project config file. */
export interface DistilleryConfig {
  /**
   * Custom node types that pipeline files may name besides the built-ins.
   *
   * Note: each type runs in a child process that imports the type's
   * `module` and looks for the type among that module's exports, so the
   * module must export it (directly or in an exported array) and set
   * `module: import.meta.url`. Default none.
   */
  nodeTypes?: NodeType[];
}

/** Returns `config` unchanged; it exists so editors check the shape. */
export function defineConfig(config: DistilleryConfig): DistilleryConfig {
  return config;
}
