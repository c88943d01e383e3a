/**
 * `resolvePipeline`: selects variants and turns a loaded spec into planned
 * nodes with resolved params and inputs.
 */
import { readFileSync } from 'node:fs';
import type { NodeTypeRegistry } from '../nodes/registry.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import {
  evaluateVariant,
  mergeVariantDiagnostics,
  type LoadedState,
} from './evaluate.js';
import { MAX_PLANNED_NODES } from './limits.js';
import { loadedState } from './load.js';
import { PipelineError } from './pipeline-error.js';
import { fileLocation, SourceText } from './source-text.js';
import { listNames } from './suggest.js';
import {
  fromPlain,
  fromPlainLocated,
  type MapEntry,
  type MapNode,
} from './tree.js';
import type {
  PipelineSpec,
  ResolvedNode,
  ResolvedPipeline,
  SourceLocation,
} from './types.js';
import type { ValidatedNode } from './validate.js';
import type { VariantDraft } from './variants.js';

/**
 * Options of `resolvePipeline`.
 *
 * Note: with neither `variant` nor `allVariants`, every declared variant
 * is resolved, and the base pipeline without variant overrides is never
 * resolved on its own. This follows tools whose sweeps are declared in
 * their files. `dvc repro` runs every stage that a `matrix` in `dvc.yaml`
 * expands to, and Hydra multi-runs by default when the config sets
 * `hydra.mode=MULTIRUN`. A pipeline without variants rejects `variant`.
 */
export interface ResolveOptions {
  /** Name of the one variant to resolve. */
  variant?: string;
  /**
   * Resolve every declared variant (a sweep). This is also what happens
   * when `variant` is not given, so the option only states it explicitly.
   */
  allVariants?: boolean;
  /** Node types that `type:` may name. */
  registry: NodeTypeRegistry;
}

/**
 * Resolves the selected variants of `spec` into planned nodes: params with
 * defaults filled in, inputs pointing at planned node ids (`name@variant`
 * with variants, `name` without). Nodes are ordered by their place in the
 * file, then by variant. Throws `PipelineError`.
 */
export function resolvePipeline(
  spec: PipelineSpec,
  options: ResolveOptions,
): ResolvedPipeline {
  const state = loadedState(spec) ?? stateFromSpec(spec);
  const selected = selectVariants(state, options);
  const evaluations = selected.map((variant) => ({
    variant,
    result: evaluateVariant(state, variant, options.registry),
  }));
  const diagnostics = mergeVariantDiagnostics(
    evaluations.map(({ variant, result }) => ({
      variant: variant?.name ?? '',
      diagnostics: result.diagnostics,
    })),
  );
  if (diagnostics.length > 0)
    throw new PipelineError(diagnostics, state.sources);

  const perVariant = evaluations.map(({ variant, result }) => ({
    variant: variant?.name ?? null,
    nodes: result.nodes,
  }));
  const nodes = plannedNodes(perVariant);
  checkPlannedCount(nodes.length, state);
  return { spec, variants: perVariant.map((entry) => entry.variant), nodes };
}

function selectVariants(
  state: LoadedState,
  options: ResolveOptions,
): (VariantDraft | null)[] {
  const names = state.variants.map((variant) => variant.name);
  const location =
    state.root.entries.get('variants')?.keyLocation ?? state.root.location;
  const fail = (
    reason: Diagnostic['reason'],
    message: string,
    expected?: string,
  ): never => {
    const extra = expected === undefined ? {} : { expected };
    throw new PipelineError(
      [diagnostic(reason, location, message, extra)],
      state.sources,
    );
  };

  if (state.variants.length === 0) {
    if (options.variant !== undefined) {
      fail(
        'no-variants',
        `\`--variant ${options.variant}\` was given, but the pipeline declares no variants: drop the option.`,
      );
    }
    return [null];
  }

  if (options.variant !== undefined && options.allVariants) {
    fail(
      'conflicting-options',
      'Both `--variant` and `--all-variants` were given: pass only one of them.',
    );
  }

  if (options.variant === undefined) return state.variants;

  const chosen = state.variants.find(
    (variant) => variant.name === options.variant,
  );
  return chosen
    ? [chosen]
    : fail(
        'unknown-variant',
        `Unknown variant \`${options.variant}\`: pass one the pipeline declares.`,
        listNames(names, 20),
      );
}

function plannedNodes(
  perVariant: { variant: string | null; nodes: ValidatedNode[] }[],
): ResolvedNode[] {
  const rows = perVariant.flatMap(({ variant, nodes }, variantIndex) =>
    nodes.map((node) => ({ node, variant, variantIndex })),
  );
  rows.sort(
    (a, b) => a.node.index - b.node.index || a.variantIndex - b.variantIndex,
  );

  return rows.map(({ node, variant }) => {
    const id = (name: string) =>
      variant === null ? name : `${name}@${variant}`;
    const inputs: Record<string, string | string[]> = {};
    for (const [input, upstream] of Object.entries(node.inputs)) {
      inputs[input] =
        typeof upstream === 'string' ? id(upstream) : upstream.map(id);
    }
    // A copy, because the evaluation that owns `params` is cached.
    const params = structuredClone(node.params);
    return {
      id: id(node.name),
      name: node.name,
      variant,
      type: node.type,
      params,
      inputs,
      location: node.location,
    };
  });
}

function checkPlannedCount(count: number, state: LoadedState): void {
  if (count <= MAX_PLANNED_NODES) return;
  const location =
    state.root.entries.get('variants')?.keyLocation ?? state.root.location;
  throw new PipelineError(
    [
      diagnostic(
        'too-many-nodes',
        location,
        `The selection plans ${count} node executions, more than the limit of ${MAX_PLANNED_NODES}: select fewer variants.`,
      ),
    ],
    state.sources,
  );
}

/**
 * Rebuilds the loading state of a spec that `loadPipeline` did not make
 * (built by hand, or copied). Values keep the locations the spec records.
 *
 * NOTE: such a spec is already interpolated, so a variant that overrides a
 * var changes only values that still contain `${vars.x}` references.
 */
function stateFromSpec(spec: PipelineSpec): LoadedState {
  const location = fileLocation(spec.file);
  const entry = (
    key: string,
    value: unknown,
    at: SourceLocation = location,
  ): MapEntry => ({
    key,
    keyLocation: at,
    value: fromPlain(value, at),
  });
  const nodes: MapNode = { kind: 'map', entries: new Map(), location };

  for (const node of spec.nodes) {
    const body: MapNode = {
      kind: 'map',
      entries: new Map(),
      location: node.location,
    };
    body.entries.set(
      'type',
      entry('type', node.type, node.locations.type ?? node.location),
    );
    for (const part of ['params', 'inputs'] as const) {
      body.entries.set(part, {
        key: part,
        keyLocation: node.location,
        value: fromPlainLocated(
          node[part],
          part,
          node.locations,
          node.location,
        ),
      });
    }
    nodes.entries.set(node.name, {
      key: node.name,
      keyLocation: node.location,
      value: body,
    });
  }

  const root: MapNode = { kind: 'map', entries: new Map(), location };
  root.entries.set('name', entry('name', spec.name));
  root.entries.set('vars', entry('vars', spec.vars));
  root.entries.set('nodes', {
    key: 'nodes',
    keyLocation: location,
    value: nodes,
  });
  const variants = spec.variants.map((variant) => ({
    name: variant.name,
    location,
    overrides: Object.entries(variant.overrides).map(([path, value]) => ({
      path: path.split('.'),
      value: fromPlain(value, location),
      pathLocation: location,
    })),
  }));
  return { root, sets: [], variants, sources: sourcesOf(spec.file) };
}

function sourcesOf(file: string): Map<string, SourceText> {
  try {
    return new Map([[file, new SourceText(file, readFileSync(file, 'utf8'))]]);
  } catch {
    // Without the file, diagnostics render without source lines.
    return new Map();
  }
}
