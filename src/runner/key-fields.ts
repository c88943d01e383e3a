/**
 * Collecting the cache key fields of one node: everything that determines
 * its result, as listed in docs/architecture.md.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type {
  ArtifactRef,
  DependencyPaths,
  NodeType,
} from '../nodes/node-type.js';
import type { ResolvedNode } from '../spec/types.js';
import {
  CACHE_KEY_SCHEMA,
  fingerprintImplementation,
  sha256Path,
} from '../hashing/index.js';
import type { CacheKeyFields } from './run-record.js';

/** A declared file dependency that could not be hashed. */
export class FileDependencyError extends Error {
  /** Stable code, carried into the node's `node-failed` event. */
  readonly code = 'FILE_DEPENDENCY_MISSING';

  constructor(
    readonly nodeId: string,
    readonly path: string,
    cause: unknown,
  ) {
    super(
      `Node \`${nodeId}\` reads \`${path}\`, which cannot be read ` +
        `(${(cause as Error).message}): check --data-dir or the node's params.`,
      { cause },
    );
    this.name = 'FileDependencyError';
  }
}

/** Key fields known before the inputs' digests are. */
export type OwnKeyFields = Omit<CacheKeyFields, 'inputs'>;

/** Returns the input digests of a node, by input name, in the key's form. */
export function inputDigests(
  node: ResolvedNode,
  artifacts: ReadonlyMap<string, ArtifactRef>,
): Record<string, string | string[]> {
  const digests: Record<string, string | string[]> = {};
  for (const [name, ids] of Object.entries(node.inputs)) {
    digests[name] = Array.isArray(ids)
      ? ids.map((id) => artifacts.get(id)!.digest)
      : artifacts.get(ids)!.digest;
  }

  return digests;
}

/**
 * Collects the fields every key of `node` shares whatever its inputs:
 * everything but `inputs`, which the caller fills in once known.
 */
export async function collectOwnKeyFields(
  node: ResolvedNode,
  type: NodeType,
  paths: DependencyPaths,
): Promise<OwnKeyFields> {
  return {
    schema: CACHE_KEY_SCHEMA,
    type: type.name,
    typeVersion: type.version,
    implementation: await fingerprintImplementation(type.module),
    params: node.params,
    files: await hashFileDependencies(node, type, paths),
    env: readEnvironment(node, type),
  };
}

/**
 * Hashes the node's declared files and folders by content. Each is named
 * by its path under the data folder (`$data/ml-100k/u.data`) or the
 * pipeline folder (`$pipeline/items.csv`), so moving either folder keeps
 * the key. Other paths are named by their absolute path.
 */
async function hashFileDependencies(
  node: ResolvedNode,
  type: NodeType,
  paths: DependencyPaths,
): Promise<Record<string, string>> {
  const declared = (await type.fileDependencies?.(node.params, paths)) ?? [];
  const files: Record<string, string> = {};
  for (const dependency of declared) {
    const path = typeof dependency === 'string' ? dependency : dependency.path;
    const absolute = resolve(paths.pipelineDir, path);
    try {
      files[keyPath(absolute, paths)] = await sha256Path(absolute);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (!(missing && typeof dependency !== 'string')) {
        throw new FileDependencyError(node.id, absolute, error);
      }
      files[keyPath(absolute, paths)] = dependency.sha256;
    }
  }

  return files;
}

function keyPath(absolute: string, paths: DependencyPaths): string {
  for (const [label, base] of [
    ['$data', paths.dataDir],
    ['$pipeline', paths.pipelineDir],
  ] as const) {
    const inside = relative(resolve(base), absolute);
    if (inside && !inside.startsWith('..') && !isAbsolute(inside)) {
      return `${label}/${inside.split(sep).join('/')}`;
    }
  }

  return absolute;
}

function readEnvironment(
  node: ResolvedNode,
  type: NodeType,
): Record<string, string | null> {
  const env: Record<string, string | null> = {};
  for (const name of type.environment?.(node.params) ?? []) {
    env[name] = process.env[name] ?? null;
  }

  return env;
}
