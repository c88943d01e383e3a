/**
 * Validates one interpolated pipeline tree (the base, or one variant)
 * against the node type registry, returning its nodes with params and
 * inputs resolved.
 */
import { DirectedGraph } from 'graphology';
import { findCycles } from '../graph/cycle.js';
import type { NodeTypeRegistry } from '../nodes/registry.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { resolveInputs, type InputEdge, type InputsContext } from './inputs.js';
import { valueDiagnostic } from './located-diagnostics.js';
import { readNodeDrafts, type NodeDraft } from './node-drafts.js';
import { resolveParams } from './params.js';
import { didYouMean, listNames, SuggestionBudget } from './suggest.js';
import type { MapNode } from './tree.js';
import { PIPELINE_NAME_PATTERN } from './top-level.js';
import type { SourceLocation } from './types.js';

/** A node whose type, params and inputs are valid. */
export interface ValidatedNode {
  name: string;
  /** Position in the file. */
  index: number;
  type: string;
  /** Params with defaults filled in. */
  params: Record<string, unknown>;
  /** Input name to upstream node name(s). */
  inputs: Record<string, string | string[]>;
  location: SourceLocation;
}

/** The nodes of one tree; usable only when `diagnostics` is empty. */
export interface ValidationResult {
  name: string | undefined;
  nodes: ValidatedNode[];
  diagnostics: Diagnostic[];
}

/** Validates the header and every node of an interpolated tree. */
export function validateTree(
  root: MapNode,
  registry: NodeTypeRegistry,
): ValidationResult {
  const diagnostics: Diagnostic[] = [];
  const name = checkHeader(root, diagnostics);
  const nodes = root.entries.get('nodes')!.value as MapNode;
  const read = readNodeDrafts(nodes);
  diagnostics.push(...read.diagnostics);

  const drafts = new Map(read.drafts.map((draft) => [draft.name, draft]));
  const validated: ValidatedNode[] = [];
  const edges = new Map<string, InputEdge[]>();

  const context: InputsContext = {
    drafts,
    registry,
    suggestions: new SuggestionBudget(),
  };

  for (const draft of read.drafts) {
    const node = validateNode(draft, context, diagnostics);
    if (node === undefined) continue;
    validated.push(node.node);
    edges.set(draft.name, node.edges);
  }

  diagnostics.push(...cycleDiagnostics(read.drafts, edges));
  return { name, nodes: validated, diagnostics };
}

function checkHeader(
  root: MapNode,
  diagnostics: Diagnostic[],
): string | undefined {
  const name = root.entries.get('name')?.value;
  const description = root.entries.get('description')?.value;

  if (
    description !== undefined &&
    !(description.kind === 'scalar' && typeof description.value === 'string')
  ) {
    diagnostics.push(
      valueDiagnostic(
        'wrong-type',
        description,
        '`description` must be a string.',
        'a string',
      ),
    );
  }

  if (name === undefined || (name.kind === 'scalar' && name.unresolved))
    return undefined;

  if (name.kind !== 'scalar' || typeof name.value !== 'string') {
    diagnostics.push(
      valueDiagnostic(
        'wrong-type',
        name,
        'The pipeline `name` must be a string.',
        'a string such as `movielens-100k`',
      ),
    );
    return undefined;
  }

  if (!PIPELINE_NAME_PATTERN.test(name.value)) {
    diagnostics.push(
      valueDiagnostic(
        'invalid-name',
        name,
        `Pipeline name \`${name.value}\` is invalid: a name starts with a letter or digit and has only letters, digits, \`_\`, \`.\` and \`-\`.`,
        'a name matching /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/',
      ),
    );
  }

  return name.value;
}

function validateNode(
  draft: NodeDraft,
  context: InputsContext,
  diagnostics: Diagnostic[],
): { node: ValidatedNode; edges: InputEdge[] } | undefined {
  if (draft.type === undefined) return undefined;
  const registry = context.registry;
  const type = registry.get(draft.type);

  if (type === undefined) {
    const known = [...registry.keys()].sort();
    const message = `Unknown node type \`${draft.type}\` in node \`${draft.name}\`.${didYouMean(draft.type, known)}`;
    diagnostics.push(
      valueDiagnostic(
        'unknown-node-type',
        draft.typeNode!,
        message,
        known.length === 0
          ? 'a registered node type (none are registered)'
          : listNames(known, 30),
      ),
    );
    return undefined;
  }

  const params = resolveParams(type.params, draft.params, {
    nodeName: draft.name,
    typeName: type.name,
    location: draft.paramsLocation,
  });
  const inputs = resolveInputs(draft, type, context);
  diagnostics.push(...params.diagnostics, ...inputs.diagnostics);

  const node = {
    name: draft.name,
    index: draft.index,
    type: type.name,
    params: params.params,
    inputs: inputs.inputs,
    location: draft.location,
  };
  return { node, edges: inputs.edges };
}

function cycleDiagnostics(
  drafts: NodeDraft[],
  edges: Map<string, InputEdge[]>,
): Diagnostic[] {
  const graph = new DirectedGraph<
    Record<string, never>,
    { location: SourceLocation }
  >();
  for (const draft of drafts) graph.addNode(draft.name);

  for (const [target, inputs] of edges) {
    for (const edge of inputs) {
      if (graph.hasNode(edge.upstream))
        graph.mergeDirectedEdge(edge.upstream, target, {
          location: edge.location,
        });
    }
  }

  const byName = new Map(drafts.map((draft) => [draft.name, draft]));
  return findCycles(graph).map((cycle) => {
    const path = [...cycle, cycle[0]].join(' -> ');
    const related = cycle.map((name, index) => {
      const next = cycle[(index + 1) % cycle.length];
      const location = graph.getDirectedEdgeAttribute(name, next, 'location');
      return { message: `node \`${next}\` reads \`${name}\` here`, location };
    });
    return diagnostic(
      'cycle',
      byName.get(cycle[0])!.location,
      cycleMessage(cycle, path),
      {
        related,
      },
    );
  });
}

function cycleMessage(cycle: string[], path: string): string {
  if (cycle.length === 1) {
    return `Node \`${cycle[0]}\` reads its own output: ${path}. Remove this input.`;
  }

  const names = listNames(cycle).replace(/ or (?=[^ ]+$)/, ' and ');
  return `Nodes ${names} form a cycle through their inputs: ${path}. Remove one of these inputs.`;
}
