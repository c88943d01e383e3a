/**
 * The `variants:` section. `matrix` maps dotted paths to lists of values
 * and expands to their cartesian product, with the first path varying
 * slowest. `named` adds variants that override a few values each. A matrix variant
 * is named after its values, for example `seed=1,init=random`, using the
 * last segment of each path (more segments where two paths share one).
 */
import type { NodeTypeRegistry } from '../nodes/registry.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { MAX_VARIANTS } from './limits.js';
import { valueDiagnostic } from './located-diagnostics.js';
import { checkPath, type Override } from './overrides.js';
import { didYouMean, listNames } from './suggest.js';
import { formatValue, toPlain, type MapEntry, type TreeNode } from './tree.js';
import type { SourceLocation } from './types.js';

/** One declared variant with its overrides. */
export interface VariantDraft {
  name: string;
  /** The variant's name in `named`, or its first value in `matrix`. */
  location: SourceLocation;
  overrides: Override[];
}

/** Pattern of named variants' names; `,` and `=` are kept for the matrix. */
export const VARIANT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const VARIANT_KEYS = ['matrix', 'named'];

interface MatrixAxis {
  path: string[];
  entry: MapEntry;
  values: TreeNode[];
}

/** Reads and expands `variants:`; an absent section yields no variants. */
export function readVariants(
  section: TreeNode | undefined,
  tree: TreeNode,
  registry: NodeTypeRegistry,
): { variants: VariantDraft[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (
    section === undefined ||
    (section.kind === 'scalar' && section.value === null)
  ) {
    return { variants: [], diagnostics };
  }

  if (section.kind !== 'map') {
    diagnostics.push(
      valueDiagnostic(
        'wrong-type',
        section,
        '`variants` must be a mapping with `matrix` and/or `named`.',
        'a mapping',
      ),
    );
    return { variants: [], diagnostics };
  }

  checkVariantKeys(section.entries, diagnostics);
  const axes = readMatrix(
    section.entries.get('matrix')?.value,
    tree,
    registry,
    diagnostics,
  );
  const matrix = expandMatrix(axes, section.entries.get('matrix'), diagnostics);
  const named = readNamed(
    section.entries.get('named')?.value,
    tree,
    registry,
    diagnostics,
  );
  return {
    variants: rejectDuplicates([...matrix, ...named], diagnostics),
    diagnostics,
  };
}

function checkVariantKeys(
  entries: Map<string, MapEntry>,
  diagnostics: Diagnostic[],
): void {
  for (const entry of entries.values()) {
    if (VARIANT_KEYS.includes(entry.key)) continue;
    diagnostics.push(
      diagnostic(
        'unknown-key',
        entry.keyLocation,
        `Unknown key \`${entry.key}\` in \`variants\`.${didYouMean(entry.key, VARIANT_KEYS)}`,
        {
          expected: listNames(VARIANT_KEYS),
          received: JSON.stringify(entry.key),
        },
      ),
    );
  }
}

function readMatrix(
  matrix: TreeNode | undefined,
  tree: TreeNode,
  registry: NodeTypeRegistry,
  diagnostics: Diagnostic[],
): MatrixAxis[] {
  if (matrix === undefined) return [];

  if (matrix.kind !== 'map') {
    diagnostics.push(
      valueDiagnostic(
        'wrong-type',
        matrix,
        '`variants.matrix` must map dotted paths to lists of values.',
        'a mapping such as `{ vars.seed: [1, 2, 3] }`',
      ),
    );
    return [];
  }

  const axes: MatrixAxis[] = [];

  for (const entry of matrix.entries.values()) {
    const path = entry.key.split('.');
    const probe = { path, value: entry.value, pathLocation: entry.keyLocation };
    const problem = checkPath(
      probe,
      tree,
      registry,
      `Matrix path \`${entry.key}\``,
    );
    if (problem !== undefined) diagnostics.push(problem);
    const values = readAxisValues(entry, diagnostics);
    if (problem === undefined && values !== undefined)
      axes.push({ path, entry, values });
  }

  return axes;
}

function readAxisValues(
  entry: MapEntry,
  diagnostics: Diagnostic[],
): TreeNode[] | undefined {
  if (entry.value.kind === 'list' && entry.value.items.length > 0)
    return entry.value.items;
  diagnostics.push(
    valueDiagnostic(
      'wrong-type',
      entry.value,
      `Matrix path \`${entry.key}\` must have a non-empty list of values.`,
      'a list such as `[1, 2, 3]`',
    ),
  );
  return undefined;
}

function expandMatrix(
  axes: MatrixAxis[],
  matrixEntry: MapEntry | undefined,
  diagnostics: Diagnostic[],
): VariantDraft[] {
  if (axes.length === 0 || matrixEntry === undefined) return [];
  const count = axes.reduce((product, axis) => product * axis.values.length, 1);

  if (count > MAX_VARIANTS) {
    const sizes = axes.map((axis) => axis.values.length).join(' x ');
    diagnostics.push(
      diagnostic(
        'too-many-variants',
        matrixEntry.keyLocation,
        `The matrix expands to ${count} variants (${sizes}), more than the limit of ${MAX_VARIANTS}: sweep fewer values.`,
        {
          expected: `at most ${MAX_VARIANTS} variants`,
          received: `${count} variants`,
        },
      ),
    );
    return [];
  }

  const labels = axisLabels(axes.map((axis) => axis.path));
  return cartesianProduct(axes.map((axis) => axis.values)).map((values) => ({
    name: values
      .map((value, index) => `${labels[index]}=${formatLabelValue(value)}`)
      .join(','),
    location: values[0].location,
    overrides: values.map((value, index) => ({
      path: axes[index].path,
      value,
      pathLocation: axes[index].entry.keyLocation,
    })),
  }));
}

/** Combinations of one value per axis, the first axis varying slowest. */
function cartesianProduct<T>(axes: T[][]): T[][] {
  return axes.reduce<T[][]>(
    (combinations, values) =>
      combinations.flatMap((prefix) =>
        values.map((value) => [...prefix, value]),
      ),
    [[]],
  );
}

/** Shortest path suffixes that tell the axes apart: `seed`, `a.lr`, ... */
function axisLabels(paths: string[][]): string[] {
  return paths.map((path) => {
    for (let length = 1; length < path.length; length++) {
      const label = path.slice(-length).join('.');
      const clash = paths.some(
        (other) => other !== path && other.slice(-length).join('.') === label,
      );
      if (!clash) return label;
    }
    return path.join('.');
  });
}

function formatLabelValue(value: TreeNode): string {
  if (value.kind === 'scalar' && typeof value.value === 'string')
    return value.value;
  return formatValue(toPlain(value));
}

function readNamed(
  named: TreeNode | undefined,
  tree: TreeNode,
  registry: NodeTypeRegistry,
  diagnostics: Diagnostic[],
): VariantDraft[] {
  if (named === undefined) return [];

  if (named.kind !== 'map') {
    diagnostics.push(
      valueDiagnostic(
        'wrong-type',
        named,
        '`variants.named` must map variant names to overrides.',
        'a mapping such as `{ small: { vars.seed: 7 } }`',
      ),
    );
    return [];
  }

  const variants: VariantDraft[] = [];
  for (const entry of named.entries.values()) {
    const variant = readNamedVariant(entry, tree, registry, diagnostics);
    if (variant !== undefined) variants.push(variant);
  }
  return variants;
}

function readNamedVariant(
  entry: MapEntry,
  tree: TreeNode,
  registry: NodeTypeRegistry,
  diagnostics: Diagnostic[],
): VariantDraft | undefined {
  if (!VARIANT_NAME_PATTERN.test(entry.key)) {
    diagnostics.push(
      diagnostic(
        'invalid-name',
        entry.keyLocation,
        `Variant name \`${entry.key}\` is invalid: a name starts with a letter or digit and has only letters, digits, \`_\`, \`.\` and \`-\`.`,
        {
          expected: 'a name matching /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/',
          received: JSON.stringify(entry.key),
        },
      ),
    );
    return undefined;
  }

  const body = entry.value;
  if (body.kind === 'scalar' && body.value === null)
    return { name: entry.key, location: entry.keyLocation, overrides: [] };

  if (body.kind !== 'map') {
    diagnostics.push(
      valueDiagnostic(
        'wrong-type',
        body,
        `Variant \`${entry.key}\` must map dotted paths to values.`,
        'a mapping such as `{ nodes.teacher.params.blocks: 2 }`',
      ),
    );
    return undefined;
  }

  const overrides: Override[] = [];
  for (const override of body.entries.values()) {
    const candidate = {
      path: override.key.split('.'),
      value: override.value,
      pathLocation: override.keyLocation,
    };
    const problem = checkPath(
      candidate,
      tree,
      registry,
      `Variant \`${entry.key}\``,
    );
    if (problem === undefined) overrides.push(candidate);
    else diagnostics.push(problem);
  }
  return { name: entry.key, location: entry.keyLocation, overrides };
}

function rejectDuplicates(
  variants: VariantDraft[],
  diagnostics: Diagnostic[],
): VariantDraft[] {
  const seen = new Map<string, VariantDraft>();

  for (const variant of variants) {
    const first = seen.get(variant.name);

    if (first === undefined) {
      seen.set(variant.name, variant);
      continue;
    }

    diagnostics.push(
      diagnostic(
        'duplicate-variant',
        variant.location,
        `Two variants are named \`${variant.name}\`: make the matrix values distinct or rename the named variant.`,
        {
          related: [
            { message: 'first defined here', location: first.location },
          ],
        },
      ),
    );
  }

  return [...seen.values()];
}
