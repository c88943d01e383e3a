/**
 * Project configs: `distillery.config.ts` files that register custom node
 * types, and building the node type registry of a pipeline from them.
 */
import { builtinNodeTypes } from '../nodes/builtin/index.js';
import { createRegistry, type NodeTypeRegistry } from '../nodes/registry.js';
import type { NodeType } from '../nodes/node-type.js';
import { ConfigError } from './config-error.js';
import { findConfigFile, type FindConfigOptions } from './find-config.js';
import { loadConfig, type LoadedConfig } from './load-config.js';

export { defineConfig, type DistilleryConfig } from './define-config.js';
export { ConfigError, type ConfigFailureReason } from './config-error.js';
export { CONFIG_FILE_NAMES, findConfigFile } from './find-config.js';
export type { FindConfigOptions } from './find-config.js';
export { loadConfig, type LoadedConfig } from './load-config.js';

/** Options of `loadProjectRegistry`. */
export interface ProjectRegistryOptions extends FindConfigOptions {
  /** More node types, such as those of `--node-types` modules. */
  extraTypes?: NodeType[];
}

/** A registry together with the config it was built from. */
export interface ProjectRegistry {
  registry: NodeTypeRegistry;
  /** The config used, or `undefined` when none was found. */
  config?: LoadedConfig;
}

/**
 * Finds and loads the project config (see `findConfigFile`) and returns
 * a registry of the built-ins, the config's node types and `extraTypes`.
 */
export async function loadProjectRegistry(
  options: ProjectRegistryOptions = {},
): Promise<ProjectRegistry> {
  const file = await findConfigFile(options);
  const config = file === undefined ? undefined : await loadConfig(file);
  const custom = [...(config?.nodeTypes ?? []), ...(options.extraTypes ?? [])];
  if (config !== undefined) checkNamesFree(config, custom);

  return { registry: createRegistry(custom), config };
}

/** Rejects a config type whose name a built-in or an earlier type has. */
function checkNamesFree(config: LoadedConfig, types: NodeType[]): void {
  const seen = new Set(builtinNodeTypes.map((type) => type.name));
  for (const type of types) {
    if (!seen.has(type.name)) {
      seen.add(type.name);
      continue;
    }

    throw new ConfigError(
      'CONFIG_NODE_TYPE_DUPLICATE',
      config.file,
      `Node type \`${type.name}\` in \`${config.file}\` is already ` +
        'registered (by a built-in or another custom type). Fix: rename it.',
    );
  }
}
