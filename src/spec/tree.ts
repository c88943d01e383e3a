/**
 * The located value tree: a YAML document as plain values where every
 * scalar, mapping, list and key keeps the place it was written. Overrides,
 * interpolation and validation all work on this tree.
 */
import type { SourceLocation } from './types.js';

/** A string, number, boolean or null with its location. */
export interface ScalarNode {
  kind: 'scalar';
  value: string | number | boolean | null;
  location: SourceLocation;
  /**
   * Where the value was defined when it came from a `${vars.x}` reference;
   * `location` is then the place of the reference.
   */
  origin?: SourceLocation;
  /**
   * Set on a string whose `${...}` reference failed (already reported), so
   * later checks skip it instead of reporting the raw text again.
   */
  unresolved?: boolean;
}

/** One key of a mapping. */
export interface MapEntry {
  key: string;
  keyLocation: SourceLocation;
  value: TreeNode;
}

/** A mapping; `entries` keeps the written key order. */
export interface MapNode {
  kind: 'map';
  entries: Map<string, MapEntry>;
  location: SourceLocation;
}

/** A list. */
export interface ListNode {
  kind: 'list';
  items: TreeNode[];
  location: SourceLocation;
}

/** Any located value. */
export type TreeNode = ScalarNode | MapNode | ListNode;

/** Returns the value under `key` when `node` is a mapping that has it. */
export function childOf(
  node: TreeNode | undefined,
  key: string,
): TreeNode | undefined {
  return node?.kind === 'map' ? node.entries.get(key)?.value : undefined;
}

/** Returns the entry under `key` when `node` is a mapping that has it. */
export function entryOf(
  node: TreeNode | undefined,
  key: string,
): MapEntry | undefined {
  return node?.kind === 'map' ? node.entries.get(key) : undefined;
}

/** Follows a path of mapping keys and list indices. */
export function nodeAt(
  node: TreeNode | undefined,
  path: readonly string[],
): TreeNode | undefined {
  let current = node;

  for (const segment of path) {
    if (current?.kind === 'map') current = current.entries.get(segment)?.value;
    else if (current?.kind === 'list' && /^\d+$/.test(segment))
      current = current.items[Number(segment)];
    else return undefined;
  }

  return current;
}

/** Converts a tree to plain JavaScript values. */
export function toPlain(node: TreeNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'list':
      return node.items.map(toPlain);
    case 'map': {
      const result: Record<string, unknown> = {};
      for (const [key, entry] of node.entries)
        setOwn(result, key, toPlain(entry.value));
      return result;
    }
  }
}

/**
 * Converts a plain value to a tree whose every node has one location, for
 * values that did not come from a file.
 */
export function fromPlain(value: unknown, location: SourceLocation): TreeNode {
  if (Array.isArray(value)) {
    return {
      kind: 'list',
      items: value.map((item) => fromPlain(item, location)),
      location,
    };
  }

  if (value !== null && typeof value === 'object') {
    const entries = new Map<string, MapEntry>();
    for (const [key, item] of Object.entries(value)) {
      entries.set(key, {
        key,
        keyLocation: location,
        value: fromPlain(item, location),
      });
    }
    return { kind: 'map', entries, location };
  }

  const scalar = isScalarValue(value) ? value : String(value);
  return { kind: 'scalar', value: scalar, location };
}

/**
 * Converts a plain value to a tree like `fromPlain`, taking each value's
 * location from `locations` by dotted path below `prefix` where recorded
 * (as in `NodeSpec.locations`), else from its parent.
 */
export function fromPlainLocated(
  value: unknown,
  prefix: string,
  locations: Record<string, SourceLocation>,
  fallback: SourceLocation,
): TreeNode {
  const location = locations[prefix] ?? fallback;
  const child = (item: unknown, key: string) =>
    fromPlainLocated(item, `${prefix}.${key}`, locations, location);

  if (Array.isArray(value)) {
    const items = value.map((item, index) => child(item, String(index)));
    return { kind: 'list', items, location };
  }

  if (value === null || typeof value !== 'object') {
    return fromPlain(value, location);
  }

  const entries = new Map<string, MapEntry>();
  for (const [key, item] of Object.entries(value)) {
    const keyLocation = locations[`${prefix}.${key}`] ?? location;
    entries.set(key, { key, keyLocation, value: child(item, key) });
  }
  return { kind: 'map', entries, location };
}

function isScalarValue(value: unknown): value is ScalarNode['value'] {
  return (
    value === null || ['string', 'number', 'boolean'].includes(typeof value)
  );
}

/**
 * Returns a copy of `root` with the value at `path` replaced, creating
 * mappings where the path does not exist yet. Only the nodes along the path
 * are copied. A path through a scalar or past a list's end replaces the
 * blocking node with a mapping.
 */
export function withValueAt(
  root: TreeNode,
  path: readonly string[],
  value: TreeNode,
): TreeNode {
  if (path.length === 0) return value;
  const [head, ...rest] = path;

  if (
    root.kind === 'list' &&
    /^\d+$/.test(head) &&
    Number(head) < root.items.length
  ) {
    const items = [...root.items];
    items[Number(head)] = withValueAt(items[Number(head)], rest, value);
    return { ...root, items };
  }

  const base: MapNode =
    root.kind === 'map'
      ? root
      : { kind: 'map', entries: new Map(), location: value.location };
  const entries = new Map(base.entries);
  const existing = entries.get(head);
  const child = existing?.value ?? emptyMap(value.location);
  entries.set(head, {
    key: head,
    keyLocation: existing?.keyLocation ?? value.location,
    value: withValueAt(child, rest, value),
  });
  return { ...base, entries };
}

function emptyMap(location: SourceLocation): MapNode {
  return { kind: 'map', entries: new Map(), location };
}

/** Names the kind of a value for messages: `string`, `mapping`, ... */
export function kindName(node: TreeNode): string {
  if (node.kind === 'map') return 'mapping';
  if (node.kind === 'list') return 'list';
  if (node.value === null) return 'null';
  return typeof node.value;
}

const MAX_SHOWN_CHARS = 60;

/**
 * Shows a value for a `received:` line, for example `"abc" (string)` or
 * `[1, 2] (list)`; long values are cut with an ellipsis.
 */
export function describeValue(node: TreeNode): string {
  if (node.kind === 'scalar' && node.value === null) return 'null';
  let shown = formatValue(toPlain(node));
  if (shown.length > MAX_SHOWN_CHARS)
    shown = `${shown.slice(0, MAX_SHOWN_CHARS - 1)}…`;
  return `${shown} (${kindName(node)})`;
}

/** Formats a plain value compactly in flow style: `[1, 2]`, `{a: "x"}`. */
export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;

  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).map(
      ([key, item]) => `${key}: ${formatValue(item)}`,
    );
    return `{${fields.join(', ')}}`;
  }

  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/**
 * Sets an own enumerable property, so that a key such as `__proto__`
 * written in a file becomes data instead of changing the prototype.
 */
export function setOwn(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
