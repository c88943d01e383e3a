/**
 * Checks a node's inputs: declared names, references to existing nodes,
 * artifact kinds, lists only where the input takes several nodes, and
 * required inputs present.
 */
import type { InputSpec, NodeType } from '../nodes/node-type.js';
import type { NodeTypeRegistry } from '../nodes/registry.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { valueDiagnostic } from './located-diagnostics.js';
import type { NodeDraft } from './node-drafts.js';
import { didYouMean, listNames, type SuggestionBudget } from './suggest.js';
import type { ScalarNode, TreeNode } from './tree.js';
import type { SourceLocation } from './types.js';

/** Input name and artifact kind that match any name or kind. */
const ANY = '*';

/** A checked reference from an input to its upstream node. */
export interface InputEdge {
  upstream: string;
  /** Where the reference is written. */
  location: SourceLocation;
}

/** A node's inputs by name, with the edges they add to the graph. */
export interface InputsResult {
  inputs: Record<string, string | string[]>;
  edges: InputEdge[];
  diagnostics: Diagnostic[];
}

/** Everything input checks look up: all nodes of the file and the types. */
export interface InputsContext {
  drafts: ReadonlyMap<string, NodeDraft>;
  registry: NodeTypeRegistry;
  /** Limits the work spent suggesting node names. */
  suggestions: SuggestionBudget;
}

/** Checks the inputs of `draft`, whose type is `type`. */
export function resolveInputs(
  draft: NodeDraft,
  type: NodeType,
  context: InputsContext,
): InputsResult {
  const result: InputsResult = { inputs: {}, edges: [], diagnostics: [] };

  for (const entry of draft.inputs?.entries.values() ?? []) {
    // A type may declare `*` to accept input names it does not list.
    const spec = type.inputs[entry.key] ?? type.inputs[ANY];

    if (spec === undefined) {
      result.diagnostics.push(
        unknownInput(draft, type, entry.key, entry.keyLocation),
      );
      continue;
    }

    const names = readReferences(
      draft,
      entry.key,
      spec,
      entry.value,
      context,
      result,
    );
    if (names !== undefined) result.inputs[entry.key] = names;
  }

  checkRequired(draft, type, result);
  return result;
}

function unknownInput(
  draft: NodeDraft,
  type: NodeType,
  name: string,
  location: SourceLocation,
): Diagnostic {
  const known = Object.keys(type.inputs);
  const message =
    `Unknown input \`${name}\` in node \`${draft.name}\`: node type ` +
    `\`${type.name}\` has no such input.${didYouMean(name, known)}`;
  return diagnostic('unknown-input', location, message, {
    expected: known.length === 0 ? 'no inputs' : listNames(known),
    received: JSON.stringify(name),
  });
}

function readReferences(
  draft: NodeDraft,
  input: string,
  spec: InputSpec,
  value: TreeNode,
  context: InputsContext,
  result: InputsResult,
): string | string[] | undefined {
  const label = `Input \`${input}\` of node \`${draft.name}\``;

  if (value.kind === 'list' && !spec.multiple) {
    result.diagnostics.push(
      valueDiagnostic(
        'input-not-multiple',
        value,
        `${label} takes one node, not a list: name a single node.`,
        'one node name',
      ),
    );
    return undefined;
  }

  const items = value.kind === 'list' ? value.items : [value];
  const names: string[] = [];

  for (const item of items) {
    const name = readReference(label, item, result);
    if (name === undefined) continue;

    if (names.includes(name)) {
      result.diagnostics.push(
        valueDiagnostic(
          'duplicate-node-ref',
          item,
          `${label} lists node \`${name}\` twice: remove one.`,
          'distinct node names',
        ),
      );
      continue;
    }

    names.push(name);
    checkUpstream(label, spec, item as ScalarNode, name, context, result);
  }

  return spec.multiple ? names : names[0];
}

function readReference(
  label: string,
  item: TreeNode,
  result: InputsResult,
): string | undefined {
  if (item.kind === 'scalar' && item.unresolved) return undefined;
  if (item.kind === 'scalar' && typeof item.value === 'string')
    return item.value;
  result.diagnostics.push(
    valueDiagnostic(
      'wrong-type',
      item,
      `${label} must name a node.`,
      'a node name',
    ),
  );
  return undefined;
}

function checkUpstream(
  label: string,
  spec: InputSpec,
  item: ScalarNode,
  name: string,
  context: InputsContext,
  result: InputsResult,
): void {
  const upstream = context.drafts.get(name);

  if (upstream === undefined) {
    const message = `${label} refers to node \`${name}\`, which does not exist.${didYouMean(name, context.drafts.keys(), context.suggestions)}`;
    result.diagnostics.push(
      valueDiagnostic(
        'unknown-node-ref',
        item,
        message,
        'the name of a node in this file',
      ),
    );
    return;
  }

  result.edges.push({ upstream: name, location: item.location });
  const producer =
    upstream.type === undefined
      ? undefined
      : context.registry.get(upstream.type);
  const kinds = typeof spec.kind === 'string' ? [spec.kind] : spec.kind;
  if (
    producer === undefined ||
    kinds.includes(ANY) ||
    kinds.includes(producer.output)
  )
    return;

  const message =
    `${label} needs ${kinds.length === 1 ? 'a' : 'one of the kinds'} ${listNames(kinds)} artifact, but node ` +
    `\`${name}\` (type \`${producer.name}\`) produces \`${producer.output}\`.`;
  const diagnosticWithNote = valueDiagnostic(
    'input-kind-mismatch',
    item,
    message,
    `a node producing ${listNames(kinds)}`,
  );
  diagnosticWithNote.received = `\`${name}\`, which produces \`${producer.output}\``;
  diagnosticWithNote.related.push({
    message: `node \`${name}\` is defined here`,
    location: upstream.location,
  });
  result.diagnostics.push(diagnosticWithNote);
}

function checkRequired(
  draft: NodeDraft,
  type: NodeType,
  result: InputsResult,
): void {
  for (const [name, spec] of Object.entries(type.inputs)) {
    const given = result.inputs[name];
    const present = Array.isArray(given)
      ? given.length > 0
      : given !== undefined;
    const written = draft.inputs?.entries.has(name) ?? false;
    // A written but invalid input was already reported.
    if (present || spec.optional || (written && !Array.isArray(given)))
      continue;

    const kinds = typeof spec.kind === 'string' ? [spec.kind] : [...spec.kind];
    const message =
      `Node \`${draft.name}\` is missing the required input \`${name}\`: ` +
      `add it under \`inputs\`${spec.multiple ? ' with at least one node' : ''}.`;
    result.diagnostics.push(
      diagnostic('missing-input', draft.inputsLocation, message, {
        expected: `\`${name}\`: ${spec.multiple ? 'nodes' : 'a node'} producing ${listNames(kinds)} (${spec.description})`,
      }),
    );
  }
}
