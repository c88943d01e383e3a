/**
 * Resolves the target of `compare` and `report` (a pipeline file or run
 * ids) to run records.
 */
import { stat } from 'node:fs/promises';
import { createRegistry, type NodeTypeRegistry } from '../nodes/registry.js';
import type { RunRecord } from '../runner/run-record.js';
import { PipelineError } from '../spec/pipeline-error.js';
import { loadPipeline } from '../spec/load.js';
import { readRunRecord, runsOfPipeline } from './load-runs.js';

const PIPELINE_EXTENSION = /\.ya?ml$/i;

/** The runs a target names, and the variants to take from them. */
export interface ResolvedTarget {
  records: RunRecord[];
  /**
   * Variants the pipeline file declares now (`[null]` without variants),
   * so variants removed from the file are left out; `undefined` for run
   * ids, or when the file no longer loads.
   */
  variants?: (string | null)[];
}

/**
 * Returns the run records a target names: every run of a pipeline file
 * (`loadVariantResults` then keeps the latest result of each variant), or
 * the runs with the given ids.
 *
 * A target is a pipeline file when it ends in `.yaml` or `.yml` or is an
 * existing file. Any other target is a run id, or several separated by
 * commas.
 */
export async function resolveTarget(
  target: string | readonly string[],
  store: string,
  registry?: NodeTypeRegistry,
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

    records.push(...(await runsOfPipeline(store, part)));
    const declared = await declaredVariants(part, registry);
    if (declared) variants = [...(variants ?? []), ...declared];
  }

  return { records, variants };
}

/**
 * Returns the variant names a pipeline file declares, or `undefined` when
 * it does not load. A file that was edited into an invalid state must not
 * stop `compare` from showing the runs it already has.
 */
async function declaredVariants(
  file: string,
  registry: NodeTypeRegistry = createRegistry(),
): Promise<(string | null)[] | undefined> {
  try {
    const spec = await loadPipeline(file, { registry });
    return spec.variants.length > 0 ? spec.variants.map((v) => v.name) : [null];
  } catch (error) {
    if (error instanceof PipelineError) return undefined;
    throw error;
  }
}

async function isPipelineFile(target: string): Promise<boolean> {
  if (PIPELINE_EXTENSION.test(target)) return true;
  try {
    return (await stat(target)).isFile();
  } catch {
    return false;
  }
}
