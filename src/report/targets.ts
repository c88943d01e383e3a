/**
 * Resolves the target of `compare` and `report` (a pipeline file or run
 * ids) to run records.
 */
import { stat } from 'node:fs/promises';
import type { RunRecord } from '../runner/run-record.js';
import { readRunRecord, runsOfPipeline } from './load-runs.js';

const PIPELINE_EXTENSION = /\.ya?ml$/i;

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
): Promise<RunRecord[]> {
  const parts = (typeof target === 'string' ? [target] : [...target])
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const records: RunRecord[] = [];
  for (const part of parts) {
    if (await isPipelineFile(part)) {
      records.push(...(await runsOfPipeline(store, part)));
    } else {
      records.push(await readRunRecord(store, part));
    }
  }

  return records;
}

async function isPipelineFile(target: string): Promise<boolean> {
  if (PIPELINE_EXTENSION.test(target)) return true;
  try {
    return (await stat(target)).isFile();
  } catch {
    return false;
  }
}
