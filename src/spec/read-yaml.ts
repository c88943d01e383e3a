/**
 * Parses pipeline YAML into the located value tree, reporting syntax
 * errors, duplicate keys (with both places), unsupported YAML features,
 * NaN and infinite numbers, and nesting or alias expansion past the limits.
 */
import {
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Node as YamlNode,
  type YAMLError,
} from 'yaml';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { MAX_DEPTH, MAX_VALUES } from './limits.js';
import type { SourceText } from './source-text.js';
import {
  describeValue,
  type MapEntry,
  type ScalarNode,
  type TreeNode,
} from './tree.js';
import type { SourceLocation } from './types.js';

/** Result of parsing: the tree when the YAML itself is well formed. */
export interface YamlTreeResult {
  tree: TreeNode | undefined;
  diagnostics: Diagnostic[];
}

/** Tags of YAML's core schema; other tags (`!!binary`, `!custom`) are rejected. */
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map(
    (name) => `tag:yaml.org,2002:${name}`,
  ),
);

/** A part of a source text, by offsets. */
export interface TextRange {
  start: number;
  end: number;
}

/**
 * Parses `source`, or the part of it in `range`, as one YAML document.
 * `pathPrefix` names the place of the root in messages, for example
 * `nodes.a.params.x` for a `--set` value.
 */
export function readYamlTree(
  source: SourceText,
  pathPrefix: string[] = [],
  range: TextRange = { start: 0, end: source.text.length },
): YamlTreeResult {
  const text = source.text.slice(range.start, range.end);
  const document = parseDocument(text, {
    uniqueKeys: false,
    prettyErrors: false,
  });
  const problems = [...document.errors, ...document.warnings];

  if (problems.length > 0) {
    const diagnostics = problems.map((error) =>
      syntaxDiagnostic(source, error, range.start),
    );
    return { tree: undefined, diagnostics };
  }

  const reader = new TreeReader(source, document, range.start);
  const tree = reader.read(document.contents, pathPrefix, 0);
  return { tree, diagnostics: reader.diagnostics };
}

function syntaxDiagnostic(
  source: SourceText,
  error: YAMLError,
  offset: number,
): Diagnostic {
  const [start, end] = error.pos.map((position) => position + offset);
  const message = error.message.replace(
    / at line \d+, column \d+:[\s\S]*$/,
    '',
  );
  return diagnostic(
    'yaml-syntax',
    source.location(start, end),
    `Invalid YAML: ${message}.`.replace(/\.\.$/, '.'),
  );
}

/**
 * Returns the diagnostic for a NaN or infinite number. Every stage builds
 * it here, so repeats at one place are merged.
 */
export function notFiniteDiagnostic(node: ScalarNode): Diagnostic {
  return diagnostic(
    'not-finite',
    node.location,
    'NaN and infinite numbers are not allowed in pipeline files: write a finite number.',
    { expected: 'a finite number', received: describeValue(node) },
  );
}

class TreeReader {
  readonly diagnostics: Diagnostic[] = [];
  private valueCount = 0;
  private budgetReported = false;

  constructor(
    private readonly source: SourceText,
    private readonly document: Document,
    private readonly offset: number,
  ) {}

  read(node: unknown, path: string[], depth: number): TreeNode | undefined {
    if (node === null || node === undefined) return this.nullAt();
    const yamlNode = node as YamlNode;
    if (!this.withinLimits(yamlNode, path, depth)) return undefined;
    if (isAlias(yamlNode))
      return this.read(yamlNode.resolve(this.document), path, depth + 1);
    if (!this.hasCoreTag(yamlNode)) return undefined;
    if (isScalar(yamlNode)) return this.readScalar(yamlNode, path);
    if (isMap(yamlNode)) return this.readMap(yamlNode, path, depth);
    if (isSeq(yamlNode)) return this.readList(yamlNode, path, depth);
    return undefined;
  }

  private nullAt(): ScalarNode {
    // An empty document or `key:` without a value: point at the start.
    return {
      kind: 'scalar',
      value: null,
      location: this.source.location(this.offset),
    };
  }

  private withinLimits(node: YamlNode, path: string[], depth: number): boolean {
    if (depth > MAX_DEPTH) {
      this.add(
        'too-deep',
        node,
        `Values are nested more than ${MAX_DEPTH} levels deep at \`${path.join('.')}\`: flatten the structure.`,
      );
      return false;
    }

    this.valueCount++;
    if (this.valueCount <= MAX_VALUES) return true;

    if (!this.budgetReported) {
      this.budgetReported = true;
      this.add(
        'file-too-large',
        node,
        `The file expands to more than ${MAX_VALUES} values (counting YAML aliases once per use): split it or use fewer aliases.`,
      );
    }

    return false;
  }

  private hasCoreTag(node: YamlNode): boolean {
    if (node.tag === undefined || CORE_TAGS.has(node.tag)) return true;
    this.add(
      'unsupported-yaml',
      node,
      `The YAML tag \`${node.tag}\` is not supported in pipeline files: remove it and write a plain value.`,
    );
    return false;
  }

  private readScalar(
    node: YamlNode & { value: unknown },
    path: string[],
  ): TreeNode | undefined {
    const value = node.value;
    const location = this.locate(node);

    if (typeof value === 'number') {
      const scalar: ScalarNode = { kind: 'scalar', value, location };
      if (!Number.isFinite(value))
        this.diagnostics.push(notFiniteDiagnostic(scalar));
      return scalar;
    }

    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean'
    ) {
      return { kind: 'scalar', value, location };
    }

    this.add(
      'unsupported-yaml',
      node,
      `The value at \`${path.join('.')}\` is not a string, number, boolean or null.`,
    );
    return undefined;
  }

  private readMap(
    node: YamlNode & { items: unknown[] },
    path: string[],
    depth: number,
  ): TreeNode {
    const entries = new Map<string, MapEntry>();

    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = this.readKey(pair.key as YamlNode | null, path);
      if (key === undefined) continue;
      const value =
        pair.value === null
          ? this.nullAfter(key.location)
          : this.read(pair.value, [...path, key.name], depth + 1);
      if (value === undefined) continue;
      this.addEntry(
        entries,
        { key: key.name, keyLocation: key.location, value },
        path,
      );
    }

    return { kind: 'map', entries, location: this.locate(node) };
  }

  private nullAfter(keyLocation: SourceLocation): ScalarNode {
    // `key:` with nothing after it: underline the key, the best place there is.
    return { kind: 'scalar', value: null, location: keyLocation };
  }

  private readKey(
    key: YamlNode | null,
    path: string[],
  ): { name: string; location: SourceLocation } | undefined {
    const value = key !== null && isScalar(key) ? key.value : undefined;

    if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      return { name: String(value), location: this.locate(key as YamlNode) };
    }

    const where =
      path.length === 0 ? 'at the top level' : `under \`${path.join('.')}\``;
    const location =
      key === null ? this.source.location(this.offset) : this.locate(key);
    this.diagnostics.push(
      diagnostic(
        'unsupported-yaml',
        location,
        `Mapping keys ${where} must be plain strings: write \`name: value\`.`,
      ),
    );
    return undefined;
  }

  private addEntry(
    entries: Map<string, MapEntry>,
    entry: MapEntry,
    path: string[],
  ): void {
    const first = entries.get(entry.key);

    if (first === undefined) {
      entries.set(entry.key, entry);
      return;
    }

    const isNode = path.length === 1 && path[0] === 'nodes';
    const message = isNode
      ? `Node \`${entry.key}\` is defined twice: rename one of them.`
      : `Key \`${entry.key}\` is written twice in \`${path.join('.') || 'the top level'}\`: keep one.`;
    this.diagnostics.push(
      diagnostic(
        isNode ? 'duplicate-node' : 'duplicate-key',
        entry.keyLocation,
        message,
        {
          related: [
            { message: 'first defined here', location: first.keyLocation },
          ],
        },
      ),
    );
  }

  private readList(
    node: YamlNode & { items: unknown[] },
    path: string[],
    depth: number,
  ): TreeNode {
    const items: TreeNode[] = [];

    node.items.forEach((item, index) => {
      const value = this.read(item, [...path, String(index)], depth + 1);
      if (value !== undefined) items.push(value);
    });

    return { kind: 'list', items, location: this.locate(node) };
  }

  private locate(node: YamlNode): SourceLocation {
    const [start, end] = node.range ?? [0, 0];
    return this.source.location(start + this.offset, end + this.offset);
  }

  private add(
    reason: Diagnostic['reason'],
    node: YamlNode,
    message: string,
  ): void {
    this.diagnostics.push(diagnostic(reason, this.locate(node), message));
  }
}
