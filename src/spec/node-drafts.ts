/**
 * Reads the `nodes:` section into one draft per node, checking the names
 * and the shape of each node's mapping. Types, params and inputs are
 * checked later against the registry.
 */
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { valueDiagnostic } from './located-diagnostics.js';
import { didYouMean, listNames } from './suggest.js';
import type { MapEntry, MapNode, TreeNode } from './tree.js';
import type { SourceLocation } from './types.js';

/** Pattern of node names: also safe as file names in the store. */
export const NODE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Keys a node's mapping may have. */
const NODE_KEYS = ['type', 'params', 'inputs', 'description'];

/** One node of the file, shape-checked but not yet validated. */
export interface NodeDraft {
  name: string;
  /** Position in the file, for ordering ties. */
  index: number;
  location: SourceLocation;
  /** Undefined when `type` is missing or not a string. */
  type: string | undefined;
  typeNode: TreeNode | undefined;
  params: MapNode | undefined;
  paramsLocation: SourceLocation;
  inputs: MapNode | undefined;
  inputsLocation: SourceLocation;
}

/** Reads every node of the `nodes:` mapping. */
export function readNodeDrafts(nodes: MapNode): {
  drafts: NodeDraft[];
  diagnostics: Diagnostic[];
} {
  const drafts: NodeDraft[] = [];
  const diagnostics: Diagnostic[] = [];

  for (const entry of nodes.entries.values()) {
    checkNodeName(entry, diagnostics);
    const draft = readNodeDraft(entry, drafts.length, diagnostics);
    if (draft !== undefined) drafts.push(draft);
  }

  return { drafts, diagnostics };
}

function checkNodeName(entry: MapEntry, diagnostics: Diagnostic[]): void {
  if (NODE_NAME_PATTERN.test(entry.key)) return;
  diagnostics.push(
    diagnostic(
      'invalid-name',
      entry.keyLocation,
      `Node name \`${entry.key}\` is invalid: a name starts with a letter and ` +
        'has only letters, digits, `_` and `-`, so it is safe as a file name. ' +
        'Rename the node.',
      {
        expected: 'a name matching /^[A-Za-z][A-Za-z0-9_-]{0,63}$/',
        received: JSON.stringify(entry.key),
      },
    ),
  );
}

function readNodeDraft(
  entry: MapEntry,
  index: number,
  diagnostics: Diagnostic[],
): NodeDraft | undefined {
  const body = entry.value;

  if (body.kind !== 'map') {
    diagnostics.push(
      valueDiagnostic(
        'wrong-type',
        body,
        `Node \`${entry.key}\` must be a mapping with \`type\`, and optionally \`params\` and \`inputs\`.`,
        'a mapping such as `{ type: load-data, params: {...} }`',
      ),
    );
    return undefined;
  }

  checkNodeKeys(entry.key, body, diagnostics);
  const type = readType(entry, body, diagnostics);
  const params = readSection(entry.key, body, 'params', diagnostics);
  const inputs = readSection(entry.key, body, 'inputs', diagnostics);
  return {
    name: entry.key,
    index,
    location: entry.keyLocation,
    type: type?.name,
    typeNode: type?.node,
    params: params?.node,
    paramsLocation: params?.location ?? entry.keyLocation,
    inputs: inputs?.node,
    inputsLocation: inputs?.location ?? entry.keyLocation,
  };
}

function checkNodeKeys(
  name: string,
  body: MapNode,
  diagnostics: Diagnostic[],
): void {
  for (const entry of body.entries.values()) {
    if (NODE_KEYS.includes(entry.key)) continue;
    diagnostics.push(
      diagnostic(
        'unknown-key',
        entry.keyLocation,
        `Unknown key \`${entry.key}\` in node \`${name}\`.${didYouMean(entry.key, NODE_KEYS)}`,
        { expected: listNames(NODE_KEYS), received: JSON.stringify(entry.key) },
      ),
    );
  }
}

function readType(
  entry: MapEntry,
  body: MapNode,
  diagnostics: Diagnostic[],
): { name: string; node: TreeNode } | undefined {
  const type = body.entries.get('type')?.value;

  if (type === undefined) {
    diagnostics.push(
      diagnostic(
        'missing-key',
        entry.keyLocation,
        `Node \`${entry.key}\` has no \`type\`: add \`type: NODE_TYPE\`.`,
        {
          expected: 'a `type` key naming a node type',
        },
      ),
    );
    return undefined;
  }

  if (type.kind === 'scalar' && type.unresolved) return undefined;

  if (type.kind === 'scalar' && typeof type.value === 'string') {
    return { name: type.value, node: type };
  }

  diagnostics.push(
    valueDiagnostic(
      'wrong-type',
      type,
      `The \`type\` of node \`${entry.key}\` must be a string.`,
      'a node type name',
    ),
  );
  return undefined;
}

function readSection(
  name: string,
  body: MapNode,
  key: 'params' | 'inputs',
  diagnostics: Diagnostic[],
): { node: MapNode | undefined; location: SourceLocation } | undefined {
  const entry = body.entries.get(key);
  if (entry === undefined) return undefined;
  const value = entry.value;
  if (value.kind === 'map') return { node: value, location: entry.keyLocation };

  // `params:` with nothing after it is an empty section, not an error.
  if (value.kind === 'scalar' && value.value === null) {
    return { node: undefined, location: entry.keyLocation };
  }

  diagnostics.push(
    valueDiagnostic(
      'wrong-type',
      value,
      `The \`${key}\` of node \`${name}\` must be a mapping.`,
      `a mapping of ${key === 'params' ? 'parameter' : 'input'} names to values`,
    ),
  );
  return { node: undefined, location: entry.keyLocation };
}
