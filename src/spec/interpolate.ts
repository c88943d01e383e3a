/**
 * `${vars.x}` interpolation. A string that is exactly one reference takes
 * the variable's value with its type (number, boolean, list, mapping). A
 * reference inside a longer string is replaced by the value's text. `$${`
 * writes a literal `${`. Variables may refer to other variables, and
 * cycles and unknown names are reported where the reference is written.
 */
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { narrowLocation, type SourceSet } from './source-text.js';
import { didYouMean, listNames, SuggestionBudget } from './suggest.js';
import {
  nodeAt,
  formatValue,
  toPlain,
  type MapNode,
  type ScalarNode,
  type TreeNode,
} from './tree.js';
import type { SourceLocation } from './types.js';

/** `$${` (escape), `${...}` (reference) or an unclosed `${`. */
const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;

/** The inside of a valid reference: `vars.` and a dotted path. */
const VARIABLE_PATH = /^vars\.([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)$/;

/** Top-level sections that are interpolated; `variants` is applied raw. */
const INTERPOLATED_KEYS = new Set(['name', 'description', 'vars', 'nodes']);

/** Returns a copy of the pipeline tree with every reference replaced. */
export function interpolateTree(
  root: MapNode,
  sources: SourceSet,
): { tree: MapNode; diagnostics: Diagnostic[] } {
  const interpolator = new Interpolator(
    root.entries.get('vars')?.value,
    sources,
  );
  const entries = new Map(root.entries);

  for (const [key, entry] of root.entries) {
    if (!INTERPOLATED_KEYS.has(key)) continue;
    const value =
      key === 'vars'
        ? interpolator.resolve(entry.value, 'vars')
        : interpolator.interpolate(entry.value);
    entries.set(key, { ...entry, value });
  }

  return { tree: { ...root, entries }, diagnostics: interpolator.diagnostics };
}

interface Frame {
  node: TreeNode;
  path: string;
}

class Interpolator {
  readonly diagnostics: Diagnostic[] = [];
  private readonly resolved = new Map<TreeNode, TreeNode>();
  private readonly outputs = new WeakSet<TreeNode>();
  private readonly inProgress: Frame[] = [];
  private readonly reportedCycles = new Set<string>();
  private readonly suggestions = new SuggestionBudget();

  constructor(
    private readonly vars: TreeNode | undefined,
    private readonly sources: SourceSet,
  ) {}

  /** Interpolates a variable's value once, detecting reference cycles. */
  resolve(node: TreeNode, path: string): TreeNode {
    if (this.outputs.has(node)) return node;
    const done = this.resolved.get(node);
    if (done !== undefined) return done;

    this.inProgress.push({ node, path });
    const result = this.interpolate(node, path);
    this.inProgress.pop();
    this.resolved.set(node, result);
    this.outputs.add(result);
    return result;
  }

  interpolate(node: TreeNode, path?: string): TreeNode {
    if (node.kind === 'list') {
      const items = node.items.map((item, index) =>
        this.interpolateChild(item, path, String(index)),
      );
      return this.mark({ ...node, items });
    }

    if (node.kind === 'map') {
      const entries = new Map(node.entries);
      for (const [key, entry] of node.entries) {
        entries.set(key, {
          ...entry,
          value: this.interpolateChild(entry.value, path, key),
        });
      }
      return this.mark({ ...node, entries });
    }

    if (typeof node.value !== 'string' || !node.value.includes('${'))
      return this.mark(node);
    return this.mark(
      this.interpolateString(node as ScalarNode & { value: string }),
    );
  }

  private interpolateChild(
    node: TreeNode,
    path: string | undefined,
    key: string,
  ): TreeNode {
    // Inside `vars`, children resolve through `resolve` so that references
    // to them from elsewhere reuse the result and see cycles.
    return path === undefined
      ? this.interpolate(node)
      : this.resolve(node, `${path}.${key}`);
  }

  private mark(node: TreeNode): TreeNode {
    this.outputs.add(node);
    return node;
  }

  private interpolateString(node: ScalarNode & { value: string }): TreeNode {
    const text = node.value;
    const matches = [...text.matchAll(REFERENCE)];
    const whole =
      matches.length === 1 &&
      matches[0][0] === text &&
      matches[0][1] !== undefined;

    if (whole) {
      const value = this.lookup(matches[0][0], matches[0][1], node);
      if (value === undefined) return { ...node, unresolved: true };
      if (value.kind !== 'scalar') return value;
      return {
        kind: 'scalar',
        value: value.value,
        location: node.location,
        origin: value.origin ?? value.location,
      };
    }

    let failed = false;
    const replaced = text.replace(
      REFERENCE,
      (match: string, inner: string | undefined) => {
        if (match === '$${') return '${';
        const value = this.lookup(match, inner, node);
        if (value === undefined) failed = true;
        return value === undefined ? match : stringify(value);
      },
    );
    if (failed) return { ...node, unresolved: true };
    return { kind: 'scalar', value: replaced, location: node.location };
  }

  private lookup(
    match: string,
    inner: string | undefined,
    site: ScalarNode,
  ): TreeNode | undefined {
    const location = narrowLocation(this.sources, site.location, match);
    const parsed =
      inner === undefined ? null : VARIABLE_PATH.exec(inner.trim());

    if (parsed === null) {
      this.diagnostics.push(
        diagnostic(
          'invalid-reference',
          location,
          `\`${match}\` is not a valid reference: write \`\${vars.NAME}\`, or \`$\${\` for a literal \`\${\`.`,
          {
            expected: '`${vars.NAME}` or `${vars.NAME.KEY}`',
            received: JSON.stringify(match),
          },
        ),
      );
      return undefined;
    }

    return this.lookupPath(parsed[1].split('.'), match, location);
  }

  private lookupPath(
    segments: string[],
    match: string,
    location: SourceLocation,
  ): TreeNode | undefined {
    let node = this.vars;
    let path = 'vars';

    for (const segment of segments) {
      // Step through references, for example `${vars.a.b}` where `a` is
      // itself `${vars.c}`. A cycle there is already reported.
      if (node !== undefined && node !== this.vars && node.kind === 'scalar') {
        node = this.resolveOrCycle(node, path, location);
        if (node === undefined) return undefined;
      }

      const parent = node;
      node = nodeAt(node, [segment]);
      path = `${path}.${segment}`;

      if (node === undefined) {
        this.reportUnknown(match, path, parent, location);
        return undefined;
      }
    }

    return this.resolveOrCycle(node!, path, location);
  }

  private resolveOrCycle(
    node: TreeNode,
    path: string,
    location: SourceLocation,
  ): TreeNode | undefined {
    const start = this.inProgress.findIndex((frame) => frame.node === node);
    if (start < 0) return this.resolve(node, path);
    this.reportCycle(this.inProgress.slice(start), location);
    return undefined;
  }

  private reportUnknown(
    match: string,
    path: string,
    parent: TreeNode | undefined,
    location: SourceLocation,
  ): void {
    const known =
      parent?.kind === 'map'
        ? [...parent.entries.keys()]
        : parent?.kind === 'list'
          ? parent.items.map((_item, index) => String(index))
          : [];
    const name = path.slice(path.lastIndexOf('.') + 1);
    const owner = path.slice(0, path.lastIndexOf('.'));
    const message =
      `Unknown variable \`${path}\` in \`${match}\`: \`${owner}\` has no key ` +
      `\`${name}\`.${didYouMean(name, known, this.suggestions)}`;
    this.diagnostics.push(
      diagnostic('unknown-var', location, message, {
        expected:
          known.length === 0
            ? `a variable defined under \`${owner}\``
            : listNames(known),
        received: JSON.stringify(name),
      }),
    );
  }

  private reportCycle(frames: Frame[], location: SourceLocation): void {
    const key = frames
      .map((frame) => frame.path)
      .sort()
      .join(' ');
    if (this.reportedCycles.has(key)) return;
    this.reportedCycles.add(key);

    const cycle = [...frames.map((frame) => frame.path), frames[0].path].join(
      ' -> ',
    );
    this.diagnostics.push(
      diagnostic(
        'var-cycle',
        location,
        `Variables refer to each other in a cycle: ${cycle}. Replace one reference with a value.`,
        {
          related: frames.map((frame) => ({
            message: `\`${frame.path}\` is defined here`,
            location: frame.node.location,
          })),
        },
      ),
    );
  }
}

/** Text of a value embedded in a longer string. */
function stringify(node: TreeNode): string {
  if (node.kind === 'scalar')
    return typeof node.value === 'string' ? node.value : String(node.value);
  return formatValue(toPlain(node));
}
