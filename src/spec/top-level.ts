/**
 * Checks the top-level shape of a pipeline file before anything else:
 * a mapping with known keys, `name`, a non-empty `nodes` mapping and, when
 * present, a `vars` mapping.
 */
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { MAX_NODES } from './limits.js';
import { valueDiagnostic } from './located-diagnostics.js';
import { fileLocation } from './source-text.js';
import { didYouMean, listNames } from './suggest.js';
import type { MapNode, TreeNode } from './tree.js';

/** Keys a pipeline file may have at the top level. */
export const TOP_LEVEL_KEYS = [
  'name',
  'description',
  'vars',
  'nodes',
  'variants',
];

/** Pattern of pipeline names, which run records and reports show. */
export const PIPELINE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Returns the root mapping when the file has the right shape for the later
 * stages to proceed, with every problem found.
 */
export function checkTopLevel(
  tree: TreeNode,
  file: string,
): { root: MapNode | undefined; diagnostics: Diagnostic[] } {
  if (tree.kind !== 'map') {
    const message =
      'A pipeline file must be a mapping with `name` and `nodes` at the top level.';
    return {
      root: undefined,
      diagnostics: [valueDiagnostic('wrong-type', tree, message, 'a mapping')],
    };
  }

  const diagnostics = [
    ...unknownKeys(tree),
    ...missingKeys(tree, file),
    ...sectionShapes(tree),
  ];
  const nodes = tree.entries.get('nodes')?.value;
  const usable =
    nodes?.kind === 'map' &&
    nodes.entries.size > 0 &&
    nodes.entries.size <= MAX_NODES;
  return { root: usable ? tree : undefined, diagnostics };
}

function unknownKeys(tree: MapNode): Diagnostic[] {
  return [...tree.entries.values()]
    .filter((entry) => !TOP_LEVEL_KEYS.includes(entry.key))
    .map((entry) =>
      diagnostic(
        'unknown-key',
        entry.keyLocation,
        `Unknown top-level key \`${entry.key}\`.${didYouMean(entry.key, TOP_LEVEL_KEYS)}`,
        {
          expected: listNames(TOP_LEVEL_KEYS),
          received: JSON.stringify(entry.key),
        },
      ),
    );
}

function missingKeys(tree: MapNode, file: string): Diagnostic[] {
  return ['name', 'nodes']
    .filter((key) => !tree.entries.has(key))
    .map((key) =>
      diagnostic(
        'missing-key',
        fileLocation(file),
        `The pipeline file has no \`${key}\`: add a top-level \`${key}:\`.`,
        {
          expected:
            key === 'name'
              ? '`name: PIPELINE_NAME`'
              : '`nodes:` mapping node names to nodes',
        },
      ),
    );
}

function sectionShapes(tree: MapNode): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const vars = tree.entries.get('vars')?.value;
  const nodes = tree.entries.get('nodes');

  if (
    vars !== undefined &&
    vars.kind !== 'map' &&
    !(vars.kind === 'scalar' && vars.value === null)
  ) {
    diagnostics.push(
      valueDiagnostic(
        'wrong-type',
        vars,
        '`vars` must be a mapping of variable names to values.',
        'a mapping such as `{ seed: 42 }`',
      ),
    );
  }

  if (nodes === undefined) return diagnostics;

  if (nodes.value.kind !== 'map') {
    diagnostics.push(
      valueDiagnostic(
        'wrong-type',
        nodes.value,
        '`nodes` must be a mapping of node names to nodes.',
        'a mapping with at least one node',
      ),
    );
  } else if (nodes.value.entries.size === 0) {
    diagnostics.push(
      diagnostic(
        'wrong-type',
        nodes.keyLocation,
        '`nodes` is empty: declare at least one node.',
        { expected: 'a mapping with at least one node' },
      ),
    );
  } else if (nodes.value.entries.size > MAX_NODES) {
    diagnostics.push(
      diagnostic(
        'too-many-nodes',
        nodes.keyLocation,
        `The pipeline has ${nodes.value.entries.size} nodes, more than the limit of ${MAX_NODES}: split it into several pipelines.`,
        {
          expected: `at most ${MAX_NODES} nodes`,
          received: `${nodes.value.entries.size} nodes`,
        },
      ),
    );
  }

  return diagnostics;
}
