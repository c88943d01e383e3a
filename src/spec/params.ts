/**
 * Checks a node's params against its type's schema and fills defaults.
 * Defaults go through the same resolution as written values, so writing a
 * default explicitly yields identical resolved params (and cache keys).
 */
import type { ParamSchema, ParamSpec } from '../nodes/node-type.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { valueDiagnostic } from './located-diagnostics.js';
import { notFiniteDiagnostic } from './read-yaml.js';
import {
  describeArraySpec,
  describeNumberSpec,
  describeSpec,
  isWithinBounds,
} from './param-rules.js';
import { didYouMean, listNames } from './suggest.js';
import {
  fromPlain,
  setOwn,
  toPlain,
  type MapNode,
  type TreeNode,
} from './tree.js';
import type { SourceLocation } from './types.js';

/** Where the params being checked belong, for messages. */
export interface ParamsContext {
  nodeName: string;
  typeName: string;
  /** Place to point at for missing params: the `params:` key or the node. */
  location: SourceLocation;
}

/** Resolved params, valid only when `diagnostics` is empty. */
export interface ParamsResult {
  params: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

/** Checks `written` against `schema` and returns the params with defaults. */
export function resolveParams(
  schema: ParamSchema,
  written: MapNode | undefined,
  context: ParamsContext,
): ParamsResult {
  const resolver = new ParamResolver(context);
  const params = resolver.resolveFields(
    schema,
    undefined,
    written,
    [],
    context.location,
  );
  return { params, diagnostics: resolver.diagnostics };
}

class ParamResolver {
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly context: ParamsContext) {}

  /** Resolves the fields of a params mapping or an object-typed param. */
  resolveFields(
    properties: ParamSchema,
    additional: ParamSpec | undefined,
    written: MapNode | undefined,
    path: string[],
    missingLocation: SourceLocation,
  ): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const entries = written?.entries ?? new Map();

    for (const [name, spec] of Object.entries(properties)) {
      const value = this.resolveField(
        spec,
        entries.get(name)?.value,
        [...path, name],
        missingLocation,
      );
      if (value !== undefined) result[name] = value;
    }

    for (const entry of entries.values()) {
      if (Object.hasOwn(properties, entry.key)) continue;

      if (additional === undefined) {
        this.reportUnknown(entry.key, entry.keyLocation, properties, path);
        continue;
      }

      setOwn(
        result,
        entry.key,
        this.resolveValue(additional, entry.value, [...path, entry.key]),
      );
    }

    return result;
  }

  private resolveField(
    spec: ParamSpec,
    written: TreeNode | undefined,
    path: string[],
    missingLocation: SourceLocation,
  ): unknown {
    if (written !== undefined) return this.resolveValue(spec, written, path);

    if (spec.default === undefined) {
      this.reportMissing(spec, path, missingLocation);
      return undefined;
    }

    return this.resolveDefault(spec, path);
  }

  private resolveDefault(spec: ParamSpec, path: string[]): unknown {
    const before = this.diagnostics.length;
    const value = this.resolveValue(
      spec,
      fromPlain(spec.default, this.context.location),
      path,
    );
    if (this.diagnostics.length === before) return value;

    // A default that fails its own schema is a bug in the node type.
    this.diagnostics.splice(before);
    this.diagnostics.push(
      diagnostic(
        'wrong-type',
        this.context.location,
        `Internal error: the default of param \`${path.join('.')}\` of node type ` +
          `\`${this.context.typeName}\` does not match its own schema: fix the node type.`,
      ),
    );
    return undefined;
  }

  resolveValue(spec: ParamSpec, node: TreeNode, path: string[]): unknown {
    if (node.kind === 'scalar' && node.unresolved) return undefined;
    if (
      node.kind === 'scalar' &&
      typeof node.value === 'number' &&
      !Number.isFinite(node.value)
    ) {
      this.diagnostics.push(notFiniteDiagnostic(node));
      return undefined;
    }

    switch (spec.type) {
      case 'integer':
      case 'number':
        return this.resolveNumber(spec, node, path);
      case 'string':
        return this.resolveString(spec, node, path);
      case 'boolean':
        return this.expectScalar(
          node,
          'boolean',
          path,
          'a boolean (`true` or `false`)',
        );
      case 'enum':
        return this.resolveEnum(spec, node, path);
      case 'array':
        return this.resolveArray(spec, node, path);
      case 'object':
        return this.resolveObject(spec, node, path);
      case 'json':
        return toPlain(node);
    }
  }

  private resolveNumber(
    spec: Extract<ParamSpec, { type: 'integer' | 'number' }>,
    node: TreeNode,
    path: string[],
  ): number | undefined {
    const expected = describeNumberSpec(spec);
    const value = this.expectScalar(node, 'number', path, expected);
    if (value === undefined) return undefined;

    if (spec.type === 'integer' && !Number.isSafeInteger(value)) {
      const rule = Number.isInteger(value)
        ? 'an integer between -(2^53 - 1) and 2^53 - 1'
        : 'an integer';
      const reason = Number.isInteger(value) ? 'out-of-range' : 'wrong-type';
      this.report(reason, node, path, `must be ${rule}.`, expected);
      return undefined;
    }

    if (!isWithinBounds(spec, value)) {
      this.report(
        'out-of-range',
        node,
        path,
        `is out of range: it must be ${expected}.`,
        expected,
      );
      return undefined;
    }

    return value;
  }

  private resolveString(
    spec: Extract<ParamSpec, { type: 'string' }>,
    node: TreeNode,
    path: string[],
  ): string | undefined {
    const expected = spec.pattern
      ? `a string matching /${spec.pattern}/`
      : 'a string';
    const value = this.expectScalar(node, 'string', path, expected);
    if (value === undefined || spec.pattern === undefined) return value;
    if (new RegExp(spec.pattern).test(value)) return value;
    this.report(
      'pattern-mismatch',
      node,
      path,
      `does not match the pattern /${spec.pattern}/.`,
      expected,
    );
    return undefined;
  }

  private resolveEnum(
    spec: Extract<ParamSpec, { type: 'enum' }>,
    node: TreeNode,
    path: string[],
  ): string | undefined {
    const expected = `one of ${listNames(spec.values)}`;
    const value = this.expectScalar(node, 'string', path, expected);
    if (value === undefined || spec.values.includes(value)) return value;
    this.report(
      'enum-value',
      node,
      path,
      `does not allow \`${value}\`.${didYouMean(value, spec.values)}`,
      expected,
    );
    return undefined;
  }

  private resolveArray(
    spec: Extract<ParamSpec, { type: 'array' }>,
    node: TreeNode,
    path: string[],
  ): unknown[] | undefined {
    const expected = describeArraySpec(spec);

    if (node.kind !== 'list') {
      this.report('wrong-type', node, path, 'must be a list.', expected);
      return undefined;
    }

    const count = node.items.length;
    const tooFew = spec.minItems !== undefined && count < spec.minItems;
    const tooMany = spec.maxItems !== undefined && count > spec.maxItems;
    if (tooFew || tooMany) {
      this.report(
        'out-of-range',
        node,
        path,
        `has ${count} items, but it must be ${expected}.`,
        expected,
      );
    }

    return node.items.map((item, index) =>
      this.resolveValue(spec.items, item, [...path, String(index)]),
    );
  }

  private resolveObject(
    spec: Extract<ParamSpec, { type: 'object' }>,
    node: TreeNode,
    path: string[],
  ): Record<string, unknown> | undefined {
    if (node.kind !== 'map') {
      this.report('wrong-type', node, path, 'must be a mapping.', 'a mapping');
      return undefined;
    }

    return this.resolveFields(
      spec.properties ?? {},
      spec.additional,
      node,
      path,
      node.location,
    );
  }

  private expectScalar<T extends 'string' | 'number' | 'boolean'>(
    node: TreeNode,
    type: T,
    path: string[],
    expected: string,
  ):
    | (T extends 'string' ? string : T extends 'number' ? number : boolean)
    | undefined {
    if (node.kind === 'scalar' && typeof node.value === type) {
      return node.value as T extends 'string'
        ? string
        : T extends 'number'
          ? number
          : boolean;
    }

    this.report('wrong-type', node, path, `must be ${expected}.`, expected);
    return undefined;
  }

  private report(
    reason: Diagnostic['reason'],
    node: TreeNode,
    path: string[],
    rule: string,
    expected: string,
  ): void {
    this.diagnostics.push(
      valueDiagnostic(reason, node, `${this.label(path)} ${rule}`, expected),
    );
  }

  private reportUnknown(
    name: string,
    location: SourceLocation,
    properties: ParamSchema,
    path: string[],
  ): void {
    const known = Object.keys(properties);
    const owner =
      path.length === 0
        ? `node type \`${this.context.typeName}\``
        : `param \`${path.join('.')}\``;
    const message =
      `Unknown param \`${[...path, name].join('.')}\` in node \`${this.context.nodeName}\`: ` +
      `${owner} has no such param.${didYouMean(name, known)}`;
    this.diagnostics.push(
      diagnostic('unknown-param', location, message, {
        expected: known.length === 0 ? 'no params' : listNames(known, 20),
        received: JSON.stringify(name),
      }),
    );
  }

  private reportMissing(
    spec: ParamSpec,
    path: string[],
    location: SourceLocation,
  ): void {
    const message =
      `Node \`${this.context.nodeName}\` is missing the required param ` +
      `\`${path.join('.')}\`: add it under \`params\`.`;
    this.diagnostics.push(
      diagnostic('missing-param', location, message, {
        expected: `\`${path[path.length - 1]}\`: ${describeSpec(spec)} (${spec.description})`,
      }),
    );
  }

  private label(path: string[]): string {
    return `Param \`${path.join('.')}\` of node \`${this.context.nodeName}\``;
  }
}
