/** Options shared by several commands, and how they resolve. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { NodeType } from '../nodes/node-type.js';
import type { NodeTypeRegistry } from '../nodes/registry.js';
import type { FindConfigOptions } from '../config/find-config.js';
import {
  loadPipeline,
  resolvePipeline,
  type ResolvedPipeline,
} from '../spec/index.js';
import { DEFAULT_STORE_DIR, Store } from '../store/index.js';
import { CliError } from './cli-error.js';

/** Environment variable naming the data folder when `--data-dir` is absent. */
export const DATA_DIR_ENV = 'DISTILLERY_DATA';

/** Options every pipeline command accepts. */
export interface PipelineOptions {
  set: string[];
  variant?: string;
  allVariants?: boolean;
  store?: string;
  dataDir?: string;
  nodeTypes: string[];
  /** `--config FILE`: the project config registering custom node types. */
  config?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds `--store DIR`. */
export function addStoreOption(command: Command): Command {
  return command.option(
    '--store <dir>',
    `artifact store folder (default: ./${DEFAULT_STORE_DIR})`,
  );
}

/** Adds the options that select and load a pipeline. */
export function addPipelineOptions(command: Command): Command {
  addStoreOption(command);
  return command
    .option(
      '--set <path=value>',
      'override a value, e.g. nodes.train.params.lr=0.01 (repeatable)',
      collect,
      [],
    )
    .option('--variant <name>', 'run one declared variant')
    .option('--all-variants', 'run every declared variant (a sweep)')
    .option(
      '--data-dir <dir>',
      `dataset folder (default: $${DATA_DIR_ENV}, else ./data)`,
    )
    .option(
      '--config <file>',
      'project config registering node types (default: ' +
        'distillery.config.ts beside the pipeline file, else in the ' +
        'current folder)',
    )
    .addOption(
      new Option(
        '--node-types <module>',
        'also register the node types a module exports (repeatable)',
      )
        .argParser(collect)
        .default([]),
    );
}

/** Parses `--jobs`: a positive integer. */
export function parseJobs(value: string): number {
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new InvalidArgumentError(
      `\`--jobs\` must be a positive integer; received \`${value}\`.`,
    );
  }

  return jobs;
}

/** Returns the store that `--store` names. */
export function openStore(options: { store?: string }): Store {
  return new Store(options.store ?? DEFAULT_STORE_DIR);
}

/** Returns the data folder: `--data-dir`, then DISTILLERY_DATA, then ./data. */
export function resolveDataDir(options: { dataDir?: string }): string {
  return resolve(options.dataDir ?? process.env[DATA_DIR_ENV] ?? 'data');
}

/**
 * Builds the registry: built-ins, the types of the project config that
 * `lookup` finds, and the types the `--node-types` modules export.
 */
export async function loadRegistry(
  modules: string[],
  lookup: FindConfigOptions = {},
): Promise<NodeTypeRegistry> {
  // Imported on demand: the built-ins load TensorFlow.js, which commands
  // such as `runs` and `show` do not need.
  const { loadProjectRegistry } = await import('../config/index.js');
  const extra: NodeType[] = [];
  for (const module of modules) extra.push(...(await importNodeTypes(module)));
  const project = await loadProjectRegistry({ ...lookup, extraTypes: extra });
  return project.registry;
}

async function importNodeTypes(module: string): Promise<NodeType[]> {
  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(resolve(module)).href);
  } catch (error) {
    throw new CliError(
      `\`--node-types ${module}\` could not be imported: ${(error as Error).message}`,
    );
  }

  const types = Object.values(exports)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter(isNodeType);
  if (types.length === 0) {
    throw new CliError(
      `\`--node-types ${module}\` exports no node type: export objects made with defineNodeType.`,
    );
  }

  return [...new Set(types)];
}

function isNodeType(value: unknown): value is NodeType {
  const type = value as NodeType;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof type.name === 'string' &&
    typeof type.module === 'string' &&
    typeof type.run === 'function'
  );
}

/** Loads, validates and resolves the pipeline file with the options. */
export async function loadResolved(
  file: string,
  options: PipelineOptions,
  registry: NodeTypeRegistry,
): Promise<ResolvedPipeline> {
  const spec = await loadPipeline(file, { overrides: options.set, registry });
  return resolvePipeline(spec, {
    registry,
    ...(options.variant !== undefined ? { variant: options.variant } : {}),
    ...(options.allVariants ? { allVariants: true } : {}),
  });
}
