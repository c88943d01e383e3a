/**
 * Resolves the target of `compare` and `report` (a pipeline file or run
 * ids) to run records.
 */
import { stat } from 'node:fs/promises';
import type { NodeTypeRegistry } from '../nodes/registry.js';
import type { RunRecord } from '../runner/run-record.js';
import { PipelineError } from '../spec/pipeline-error.js';
import { loadPipeline } from '../spec/load.js';
import type { PipelineSpec } from '../spec/types.js';
import {
  readRunRecord,
  runsOfPipeline,
  runsWithOverrides,
} from './load-runs.js';

const PIPELINE_EXTENSION = /\.ya?ml$/i;

/** The runs a target names, and the variants to take from them. */
export interface ResolvedTarget {
  records: RunRecord[];
  /**
   * Variants the pipeline file declares now (`[null]` without variants),
   * so variants removed from the file are left out. `undefined` for run
   * ids, or when the file no longer loads.
   */
  variants?: (string | null)[];
}

/**
 * Returns the run records a target names: every run of a pipeline file
 * (`loadVariantResults` then keeps the latest result of each variant), or
 * the runs with the given ids. With `overrides`, only the runs of a
 * pipeline file made with exactly those `--set` overrides count.
 *
 * A target is a pipeline file when it ends in `.yaml` or `.yml` or is an
 * existing file. Any other target is a run id, or several separated by
 * commas.
 */
export async function resolveTarget(
  target: string | readonly string[],
  store: string,
  registry?: NodeTypeRegistry,
  options: { overrides?: readonly string[] } = {},
): Promise<ResolvedTarget> {
  const parts = (typeof target === 'string' ? [target] : [...target])
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const records: RunRecord[] = [];
  let variants: (string | null)[] | undefined;
  for (const part of parts) {
    if (!(await isPipelineFile(part))) {
      records.push(await readRunRecord(store, part));
      continue;
    }

    const runs = await runsOfPipeline(store, part);
    records.push(
      ...(options.overrides
        ? runsWithOverrides(runs, options.overrides)
        : runs),
    );
    const spec = await loadSpec(part, registry);
    if (spec) variants = [...(variants ?? []), ...variantNames(spec)];
  }

  return { records, variants };
}

/**
 * Loads a pipeline file, or returns `undefined` when it does not load
 * (moved, or edited into an invalid state): that must not stop `compare`
 * from showing the runs already recorded.
 */
async function loadSpec(
  file: string,
  registry: NodeTypeRegistry | undefined,
): Promise<PipelineSpec | undefined> {
  try {
    return await loadPipeline(file, {
      registry: registry ?? (await builtinRegistry()),
    });
  } catch (error) {
    if (error instanceof PipelineError) return undefined;
    throw error;
  }
}

/**
 * Returns the registry of the built-in node types. Imported on demand
 * because the built-ins load TensorFlow.js, which reading run ids does not
 * need.
 */
async function builtinRegistry(): Promise<NodeTypeRegistry> {
  const { createRegistry } = await import('../nodes/registry.js');
  return createRegistry();
}

function variantNames(spec: PipelineSpec): (string | null)[] {
  return spec.variants.length > 0 ? spec.variants.map((v) => v.name) : [null];
}

/**
 * Returns the `[upstream, downstream]` node names that the runs' pipeline
 * files declare, for drawing the edges of nodes that never ran. Files
 * that no longer load contribute nothing.
 */
export async function declaredEdges(
  records: readonly RunRecord[],
  registry?: NodeTypeRegistry,
): Promise<[string, string][]> {
  const edges: [string, string][] = [];
  for (const file of new Set(records.map((r) => r.pipelineFile))) {
    const spec = await loadSpec(file, registry);
    for (const node of spec?.nodes ?? []) {
      for (const upstream of Object.values(node.inputs).flat()) {
        edges.push([upstream, node.name]);
      }
    }
  }

  return edges;
}

async function isPipelineFile(target: string): Promise<boolean> {
  if (PIPELINE_EXTENSION.test(target)) return true;
  try {
    return (await stat(target)).isFile();
  } catch {
    return false;
  }
}
