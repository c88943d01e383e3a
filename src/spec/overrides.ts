/**
 * Overrides of values by dotted path: `--set PATH=VALUE` arguments, and
 * the entries of matrix and named variants. They apply to the raw tree,
 * before interpolation.
 */
import type { NodeTypeRegistry } from '../nodes/registry.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import {
  checkOverridePath,
  OVERRIDE_PATH_FORMS,
  suggestOverridePath,
} from './override-paths.js';
import { readYamlTree } from './read-yaml.js';
import { OVERRIDE_FILE, SourceText } from './source-text.js';
import { withValueAt, type TreeNode } from './tree.js';
import type { SourceLocation } from './types.js';

/** One value to put at a dotted path. */
export interface Override {
  path: string[];
  value: TreeNode;
  /** Where the path is written: a `--set` argument or a variant's key. */
  pathLocation: SourceLocation;
}

/**
 * Builds the synthetic source of the `--set` arguments, one per line. A
 * line break inside an argument is shown as a space, so lines stay
 * aligned.
 */
export function overrideSource(args: readonly string[]): SourceText {
  return new SourceText(
    OVERRIDE_FILE,
    args.map((arg) => arg.replace(/[\r\n]/g, ' ')).join('\n'),
  );
}

/**
 * Parses `--set` arguments. VALUE is read as YAML, so `30` is a number and
 * `[a, b]` a list. Paths are checked against `tree` when it is given.
 */
export function parseSetArguments(
  args: readonly string[],
  source: SourceText,
  tree: TreeNode | undefined,
  registry: NodeTypeRegistry,
): { overrides: Override[]; diagnostics: Diagnostic[] } {
  const overrides: Override[] = [];
  const diagnostics: Diagnostic[] = [];

  args.forEach((arg, index) => {
    const override = parseSetArgument(arg, index, source, diagnostics);
    if (override === undefined) return;
    const pathProblem =
      tree === undefined
        ? undefined
        : checkPath(override, tree, registry, `\`--set\` argument \`${arg}\``);
    if (pathProblem !== undefined) diagnostics.push(pathProblem);
    else overrides.push(override);
  });

  return { overrides, diagnostics };
}

function parseSetArgument(
  arg: string,
  index: number,
  source: SourceText,
  diagnostics: Diagnostic[],
): Override | undefined {
  const lineStart = source.lineCounter.lineStarts[index];
  const equals = arg.indexOf('=');
  const pathText = equals < 0 ? arg : arg.slice(0, equals);
  const path = pathText.split('.');
  const pathLocation = source.location(
    lineStart,
    lineStart + Math.max(pathText.length, 1),
  );

  if (
    equals < 0 ||
    path.some((segment) => segment.trim() === '') ||
    /[\r\n]/.test(arg)
  ) {
    diagnostics.push(
      diagnostic(
        'invalid-override',
        pathLocation,
        `\`--set\` argument \`${arg}\` is malformed: write \`--set PATH=VALUE\`, for example \`--set vars.seed=7\`.`,
        {
          expected: '`DOTTED.PATH=VALUE` on one line',
          received: JSON.stringify(arg),
        },
      ),
    );
    return undefined;
  }

  const valueStart = lineStart + equals + 1;
  const parsed = readYamlTree(source, path, {
    start: valueStart,
    end: lineStart + arg.length,
  });
  diagnostics.push(...parsed.diagnostics);
  if (parsed.tree === undefined) return undefined;
  return {
    path: path.map((segment) => segment.trim()),
    value: parsed.tree,
    pathLocation,
  };
}

/**
 * Checks that an override's path exists, returning a diagnostic naming
 * `label` and the closest valid path when it does not.
 */
export function checkPath(
  override: Override,
  tree: TreeNode,
  registry: NodeTypeRegistry,
  label: string,
): Diagnostic | undefined {
  const problem = checkOverridePath(override.path, tree, registry);
  if (problem === undefined) return undefined;

  const suggestion = suggestOverridePath(override.path, tree, registry);
  const hint =
    suggestion === undefined ? '' : ` Did you mean \`${suggestion}\`?`;
  const known =
    problem.validPrefix === '' ? '' : ` (\`${problem.validPrefix}\` exists)`;
  return diagnostic(
    'unknown-override-path',
    override.pathLocation,
    `${label} names the path \`${override.path.join('.')}\`, which does not exist${known}.${hint}`,
    {
      expected: `a path such as ${OVERRIDE_PATH_FORMS}`,
      received: JSON.stringify(override.path.join('.')),
    },
  );
}

/** Applies overrides in order; a later one wins on the same path. */
export function applyOverrides(
  tree: TreeNode,
  overrides: readonly Override[],
): TreeNode {
  return overrides.reduce(
    (current, override) => withValueAt(current, override.path, override.value),
    tree,
  );
}
