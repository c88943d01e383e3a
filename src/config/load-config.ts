/**
 * Loading a project config: importing the file, checking its default
 * export and every node type it registers, before any pipeline is planned.
 */
import { pathToFileURL } from 'node:url';
import type { NodeType } from '../nodes/node-type.js';
import { ConfigError } from './config-error.js';
import type { DistilleryConfig } from './define-config.js';

/** A config as loaded: its file and its checked node types. */
export interface LoadedConfig {
  /** Absolute path of the config file. */
  file: string;
  nodeTypes: NodeType[];
}

/** Fields every node type needs, with the `typeof` each must have. */
const REQUIRED_FIELDS = {
  name: 'string',
  version: 'string',
  description: 'string',
  params: 'object',
  inputs: 'object',
  output: 'string',
  module: 'string',
  run: 'function',
} as const;

/** Imports the config at the absolute path `file` and checks it. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const exports = await importModule(pathToFileURL(file).href, file);
  const config = exports.default as DistilleryConfig | undefined;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError(
      'CONFIG_INVALID',
      file,
      `Config file \`${file}\` must default-export a config object; ` +
        `received ${describe(config)}. Fix: write ` +
        '`export default defineConfig({ nodeTypes: [...] })`.',
    );
  }

  const nodeTypes = config.nodeTypes ?? [];
  if (!Array.isArray(nodeTypes)) {
    throw new ConfigError(
      'CONFIG_INVALID',
      file,
      `\`nodeTypes\` in \`${file}\` must be a list of node types; ` +
        `received ${describe(nodeTypes)}.`,
    );
  }

  for (const [index, type] of nodeTypes.entries()) {
    checkNodeType(file, index, type);
    await checkExported(file, type);
  }

  return { file, nodeTypes };
}

/** Imports `url`; a failure is reported against the config `file`. */
async function importModule(
  url: string,
  file: string,
): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(
      'CONFIG_IMPORT_FAILED',
      file,
      `Module \`${url}\` of config \`${file}\` could not be imported: ` +
        `${(error as Error).message}`,
      { cause: error },
    );
  }
}

function checkNodeType(file: string, index: number, type: unknown): void {
  const fields = Object.entries(REQUIRED_FIELDS);
  const wrong = fields.find(
    ([field, kind]) =>
      typeof type !== 'object' ||
      type === null ||
      typeof fieldOf(type, field) !== kind,
  );
  if (wrong === undefined) return;

  const [field, kind] = wrong;
  const name = (type as { name?: unknown } | null)?.name;
  const label =
    typeof name === 'string' ? `node type \`${name}\`` : `nodeTypes[${index}]`;
  throw new ConfigError(
    'CONFIG_NODE_TYPE_INVALID',
    file,
    `In \`${file}\`, ${label} needs \`${field}\` of type ${kind}; ` +
      `received ${describe(fieldOf(type, field))}. Fix: declare the ` +
      'type with `defineNodeType` and set every field ' +
      '(`module: import.meta.url` for the module).',
  );
}

/**
 * Checks that the type's module exports the type, directly or in an
 * exported array: that is where the node's child process looks for it.
 */
async function checkExported(file: string, type: NodeType): Promise<void> {
  const url = type.module.startsWith('file:')
    ? type.module
    : pathToFileURL(type.module).href;
  const exports = await importModule(url, file);
  const exported = Object.values(exports)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .some((value) => (value as NodeType | null)?.name === type.name);
  if (exported) return;

  throw new ConfigError(
    'CONFIG_NODE_TYPE_NOT_EXPORTED',
    file,
    `Node type \`${type.name}\` names \`${type.module}\` as its module, ` +
      'but that module does not export it, so its child process could not ' +
      'find it. Fix: `export` the type from the module that sets ' +
      '`module: import.meta.url`.',
  );
}

function fieldOf(value: unknown, field: string): unknown {
  return (value as Record<string, unknown> | null)?.[field];
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return '`null`';
  if (Array.isArray(value)) return 'a list';
  return `a value of type ${typeof value}`;
}
