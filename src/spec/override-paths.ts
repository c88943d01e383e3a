/**
 * Which dotted paths an override (`--set`, a matrix path, a named variant)
 * may name, and the closest valid path for a mistyped one.
 */
import type { ParamSpec } from '../nodes/node-type.js';
import type { NodeTypeRegistry } from '../nodes/registry.js';
import { MAX_DEPTH } from './limits.js';
import { closestMatch, SuggestionBudget } from './suggest.js';
import { childOf, nodeAt, type TreeNode } from './tree.js';

/** The forms of valid paths, for `expected:` lines. */
export const OVERRIDE_PATH_FORMS =
  '`name`, `description`, `vars.NAME`, `nodes.NODE.type`, ' +
  '`nodes.NODE.params.PARAM` or `nodes.NODE.inputs.INPUT`';

/** Maximum number of candidate paths compared for a suggestion. */
const MAX_CANDIDATES = 20_000;

/**
 * Returns undefined when `path` may be overridden in `tree`, otherwise the
 * longest prefix of it that exists, for the message.
 */
export function checkOverridePath(
  path: readonly string[],
  tree: TreeNode,
  registry: NodeTypeRegistry,
): { validPrefix: string } | undefined {
  // Longer paths cannot exist, and the prefix search below is quadratic.
  if (path.length > MAX_DEPTH) return { validPrefix: '' };
  const valid = isValidPath(path, tree, registry);
  if (valid) return undefined;
  let length = path.length - 1;
  while (
    length > 0 &&
    !isValidPath(path.slice(0, length), tree, registry, true)
  )
    length--;
  return { validPrefix: path.slice(0, length).join('.') };
}

function isValidPath(
  path: readonly string[],
  tree: TreeNode,
  registry: NodeTypeRegistry,
  allowPrefix = false,
): boolean {
  const [section, name, part, key, ...rest] = path;
  if (path.length === 1 && (section === 'name' || section === 'description'))
    return true;
  if (section === 'vars')
    return (
      path.length >= (allowPrefix ? 1 : 2) && nodeAt(tree, path) !== undefined
    );
  if (section !== 'nodes') return false;
  if (path.length === 1) return allowPrefix;

  const node = childOf(childOf(tree, 'nodes'), name);
  if (node === undefined) return false;
  if (path.length === 2) return allowPrefix;
  if (part === 'type') return path.length === 3;
  if (part !== 'params' && part !== 'inputs') return false;
  if (key === undefined) return true;

  const declared = declaredNames(node, part, registry);
  const written = childOf(childOf(node, part), key);
  if (!declared.has(key) && written === undefined) return false;
  if (rest.length === 0) return true;
  if (nodeAt(written, rest) !== undefined) return true;
  return (
    part === 'params' && schemaAllows(paramSpec(node, key, registry), rest)
  );
}

/** Param or input names the node's type declares (empty if unknown). */
function declaredNames(
  node: TreeNode,
  part: 'params' | 'inputs',
  registry: NodeTypeRegistry,
): Set<string> {
  const type = typeOf(node, registry);
  return new Set(type === undefined ? [] : Object.keys(type[part]));
}

function typeOf(node: TreeNode, registry: NodeTypeRegistry) {
  const type = childOf(node, 'type');
  return type?.kind === 'scalar' && typeof type.value === 'string'
    ? registry.get(type.value)
    : undefined;
}

function paramSpec(
  node: TreeNode,
  name: string,
  registry: NodeTypeRegistry,
): ParamSpec | undefined {
  return typeOf(node, registry)?.params[name];
}

/** Whether an object-typed param's schema declares the nested path. */
function schemaAllows(
  spec: ParamSpec | undefined,
  path: readonly string[],
): boolean {
  let current = spec;

  for (const segment of path) {
    if (current?.type !== 'object') return false;
    current = current.properties?.[segment] ?? current.additional;
  }

  return current !== undefined;
}

/** Returns the valid path closest to `path`, if one is close. */
export function suggestOverridePath(
  path: readonly string[],
  tree: TreeNode,
  registry: NodeTypeRegistry,
): string | undefined {
  let cached = candidateCache.get(tree);

  if (cached === undefined) {
    const paths = candidatePaths(tree, registry);
    cached = { paths, budget: new SuggestionBudget() };
    candidateCache.set(tree, cached);
  }

  return closestMatch(path.join('.'), cached.paths, cached.budget);
}

/**
 * Candidate paths and the suggestion budget by tree, since one file may
 * have many invalid paths.
 */
const candidateCache = new WeakMap<
  TreeNode,
  { paths: string[]; budget: SuggestionBudget }
>();

function candidatePaths(tree: TreeNode, registry: NodeTypeRegistry): string[] {
  const paths = ['name', 'description'];
  collectWritten(childOf(tree, 'vars'), 'vars', paths, 3);
  const nodes = childOf(tree, 'nodes');
  if (nodes?.kind !== 'map') return paths;

  for (const [name, entry] of nodes.entries) {
    if (paths.length > MAX_CANDIDATES) break;
    const prefix = `nodes.${name}`;
    paths.push(`${prefix}.type`);

    for (const part of ['params', 'inputs'] as const) {
      const names = declaredNames(entry.value, part, registry);
      const written = childOf(entry.value, part);
      if (written?.kind === 'map')
        for (const key of written.entries.keys()) names.add(key);
      for (const key of names) paths.push(`${prefix}.${part}.${key}`);
    }
  }

  return paths;
}

function collectWritten(
  node: TreeNode | undefined,
  prefix: string,
  paths: string[],
  depth: number,
): void {
  if (node?.kind !== 'map' || depth === 0) return;

  for (const [key, entry] of node.entries) {
    paths.push(`${prefix}.${key}`);
    collectWritten(entry.value, `${prefix}.${key}`, paths, depth - 1);
  }
}
