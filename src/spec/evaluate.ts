/**
 * Turns the raw tree of a loaded file into validated nodes for the base
 * pipeline or one variant: variant overrides, then `--set` overrides, then
 * interpolation, then validation.
 */
import type { NodeTypeRegistry } from '../nodes/registry.js';
import type { Diagnostic } from './diagnostics.js';
import { interpolateTree } from './interpolate.js';
import { applyOverrides, type Override } from './overrides.js';
import { diagnosticKey } from './pipeline-error.js';
import type { SourceSet } from './source-text.js';
import type { MapNode } from './tree.js';
import { validateTree, type ValidationResult } from './validate.js';
import type { VariantDraft } from './variants.js';

/** What loading keeps of a file for resolving variants later. */
export interface LoadedState {
  /** The file's root mapping, before overrides and interpolation. */
  root: MapNode;
  /** `--set` overrides, applied on top of every variant. */
  sets: Override[];
  variants: VariantDraft[];
  sources: SourceSet;
  /** The base evaluation and the registry it used, reused by resolving. */
  base?: { evaluation: Evaluation; registry: NodeTypeRegistry };
}

/** One evaluated tree and its validation. */
export interface Evaluation extends ValidationResult {
  tree: MapNode;
}

/** Evaluates the base pipeline (`variant` null) or one variant. */
export function evaluateVariant(
  state: LoadedState,
  variant: VariantDraft | null,
  registry: NodeTypeRegistry,
): Evaluation {
  if (variant === null && state.base?.registry === registry)
    return state.base.evaluation;
  const withVariant = applyOverrides(state.root, variant?.overrides ?? []);
  const withSets = applyOverrides(withVariant, state.sets) as MapNode;
  const interpolated = interpolateTree(withSets, state.sources);
  const result = validateTree(interpolated.tree, registry);
  return {
    ...result,
    tree: interpolated.tree,
    diagnostics: [...interpolated.diagnostics, ...result.diagnostics],
  };
}

/**
 * Merges the diagnostics of several variants. A problem found in every
 * variant is reported as is; one found in some names them.
 */
export function mergeVariantDiagnostics(
  perVariant: { variant: string; diagnostics: Diagnostic[] }[],
): Diagnostic[] {
  const merged = new Map<string, { item: Diagnostic; variants: string[] }>();

  for (const { variant, diagnostics } of perVariant) {
    for (const item of diagnostics) {
      const key = diagnosticKey(item);
      const entry = merged.get(key) ?? { item, variants: [] };
      if (!entry.variants.includes(variant)) entry.variants.push(variant);
      merged.set(key, entry);
    }
  }

  return [...merged.values()].map(({ item, variants }) =>
    variants.length === perVariant.length
      ? item
      : { ...item, message: `${item.message} (${variantList(variants)})` },
  );
}

function variantList(variants: string[]): string {
  const shown = variants.slice(0, 3).map((name) => `\`${name}\``);
  const rest = variants.length > 3 ? ` and ${variants.length - 3} more` : '';
  return `in variant${variants.length === 1 ? '' : 's'} ${shown.join(', ')}${rest}`;
}
