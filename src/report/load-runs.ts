/**
 * Readers of everything `compare` and `report` take from the store: run
 * records (`<store>/runs/<run-id>.json`), the evaluate node's metrics
 * artifact (`metrics.json`, `per-user.json`) and the per-epoch histories in
 * training nodes' `result.json`. The file layouts written by other parts of
 * Distillery are read here and nowhere else in `src/report/`.
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { metricsFiles, metricsFormatVersion } from '../metrics/metrics-file.js';
import type { NodeRecord, RunRecord } from '../runner/run-record.js';
import { RESULT_FILE } from '../store/layout.js';
import { ReportError } from './errors.js';
import type {
  EvaluationResult,
  HistoryPoint,
  TrainingCurve,
  VariantResult,
} from './types.js';

/** The remedy for a damaged artifact: there is no option to force a re-run. */
const RECOMPUTE_DAMAGED =
  'Run `distillery verify --quarantine` to set the damaged artifact ' +
  'aside, then run the pipeline again to recompute it.';

/** Node type whose artifacts contain `metrics.json` and `per-user.json`. */
export const EVALUATE_TYPE = 'evaluate';

const FINISHED = new Set(['ran', 'cached']);

/** Returns the folder of the run records of a store. */
export function runsDir(store: string): string {
  return path.join(store, 'runs');
}

/** Returns the folder of the published artifact with a cache key. */
export function artifactDir(store: string, key: string): string {
  return path.join(store, 'objects', key);
}

/** Run id that names the newest run of a store. */
export const LATEST_RUN = 'latest';

/**
 * Reads one run record by id, by a unique prefix of an id, or the newest
 * with `latest`. Throws `RUN_NOT_FOUND` when no run, or more than one,
 * matches.
 */
export async function readRunRecord(
  store: string,
  runId: string,
): Promise<RunRecord> {
  const file = path.join(runsDir(store), `${runId}.json`);
  const text = runId === LATEST_RUN ? undefined : await readOptionalText(file);
  if (text !== undefined) return parseRunRecord(text, file);

  const all = await listRunRecords(store);
  const matches =
    runId === LATEST_RUN
      ? all.slice(-1)
      : all.filter((record) => record.id.startsWith(runId));
  if (matches.length === 1) return matches[0];

  const found =
    matches.length === 0
      ? `no run in ${runsDir(store)} has that id or id prefix`
      : `it is a prefix of ${matches.length} runs: ` +
        matches.map((r) => r.id).join(', ');
  throw new ReportError(
    'RUN_NOT_FOUND',
    `Run \`${runId}\` not found: ${found}. ` +
      'List the runs of this store with `distillery runs`.',
  );
}

/** Reads every run record of a store, oldest first. */
export async function listRunRecords(store: string): Promise<RunRecord[]> {
  let names: string[];
  try {
    names = await readdir(runsDir(store));
  } catch (error) {
    if (isMissingFile(error)) return [];
    throw error;
  }

  const records: RunRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = path.join(runsDir(store), name);
    records.push(parseRunRecord(await readFile(file, 'utf8'), file));
  }

  return records.sort(byStartTime);
}

/**
 * Returns the run records of one pipeline file, oldest first.
 * Throws `NO_RUNS_FOR_PIPELINE` when the store has none.
 */
export async function runsOfPipeline(
  store: string,
  pipelineFile: string,
): Promise<RunRecord[]> {
  const requested = await canonicalPath(pipelineFile);
  const all = await listRunRecords(store);
  const matching: RunRecord[] = [];
  for (const record of all) {
    if ((await canonicalPath(record.pipelineFile)) === requested) {
      matching.push(record);
    }
  }

  if (matching.length === 0) {
    throw new ReportError(
      'NO_RUNS_FOR_PIPELINE',
      `No run of \`${pipelineFile}\` found in ${runsDir(store)}. ` +
        `Run it first with \`distillery run ${pipelineFile}\`, or pass ` +
        'the store it ran in with `--store`.',
    );
  }

  return matching;
}

/**
 * Collects the latest results of every variant found in `records`.
 *
 * For each variant the newest record in which all its evaluate nodes
 * finished (ran or cached) wins, so a sweep run in several parts, or re-run
 * for some variants only, still yields one row per variant.
 * With `only`, variants outside that list are left out, such as variants
 * since removed from the pipeline file. With `includeUnevaluated`, a
 * variant never evaluated comes from the newest record that lists it, so
 * a report can chart the training curves of a sweep still running.
 */
export async function loadVariantResults(
  records: readonly RunRecord[],
  store: string,
  only?: readonly (string | null)[],
  options: { includeUnevaluated?: boolean } = {},
): Promise<VariantResult[]> {
  // Runs of the file as written come before runs with `--set` overrides,
  // so a variant's overridden result is used only when it has no other.
  const newestFirst = [...records]
    .sort(byStartTime)
    .reverse()
    .sort((a, b) => overrideCount(a) - overrideCount(b));
  const chosen = new Map<
    string,
    { record: RunRecord; variant: string | null }
  >();
  const fallback = new Map<
    string,
    { record: RunRecord; variant: string | null }
  >();
  for (const record of newestFirst) {
    for (const variant of record.variants) {
      const name = variant ?? '';
      if (only && !only.includes(variant)) continue;
      if (!fallback.has(name)) fallback.set(name, { record, variant });
      if (chosen.has(name) || !isEvaluated(record, variant)) continue;
      chosen.set(name, { record, variant });
    }
  }

  if (options.includeUnevaluated) {
    for (const [name, entry] of fallback) {
      if (!chosen.has(name)) chosen.set(name, entry);
    }
  }

  const order = variantOrder(records);
  const entries = [...chosen.entries()].sort(
    ([a], [b]) => order.indexOf(a) - order.indexOf(b),
  );
  const results: VariantResult[] = [];
  for (const [, { record, variant }] of entries) {
    results.push(await loadVariant(record, variant, store));
  }

  return results;
}

// Ranks runs without overrides first; `sort` keeps the order within a rank.
function overrideCount(record: RunRecord): number {
  return (record.overrides ?? []).length > 0 ? 1 : 0;
}

/**
 * Keeps the runs whose `--set` overrides are exactly `overrides`, in any
 * order. Throws `NO_RUNS_FOR_PIPELINE` when none are.
 */
export function runsWithOverrides(
  records: readonly RunRecord[],
  overrides: readonly string[],
): RunRecord[] {
  const expected = [...overrides].sort().join('\n');
  const matching = records.filter(
    (record) => [...(record.overrides ?? [])].sort().join('\n') === expected,
  );
  if (matching.length > 0) return matching;

  const flags = overrides.map((o) => `--set ${o}`).join(' ');
  throw new ReportError(
    'NO_RUNS_FOR_PIPELINE',
    `No run was made with exactly \`${flags}\`. ` +
      'List the overrides of each run with `distillery show RUN`, or ' +
      'run the pipeline with those overrides first.',
  );
}

/** Returns the nodes of one variant of a run, in the record's order. */
export function nodesOfVariant(
  record: RunRecord,
  variant: string | null,
): NodeRecord[] {
  return Object.values(record.nodes).filter((n) => n.variant === variant);
}

/**
 * Reads an evaluate node's metrics artifact from its folder.
 * Throws `INVALID_ARTIFACT` when `metrics.json` is missing or malformed;
 * `per-user.json` is optional (without it no paired test can run).
 */
export async function readEvaluation(
  dir: string,
  node: string,
): Promise<EvaluationResult> {
  const metricsFile = path.join(dir, metricsFiles.metrics);
  const metricsText = await readOptionalText(metricsFile);
  if (metricsText === undefined) {
    throw new ReportError(
      'INVALID_ARTIFACT',
      `Metrics artifact of \`${node}\` is incomplete: ${metricsFile} ` +
        `does not exist. ${RECOMPUTE_DAMAGED}`,
    );
  }

  const perUserFile = path.join(dir, metricsFiles.perUser);
  const perUserText = await readOptionalText(perUserFile);
  return {
    node,
    metrics: parseModelMetrics(
      parseJson(metricsText, metricsFile),
      metricsFile,
    ),
    perUser:
      perUserText === undefined
        ? {}
        : parsePerUser(parseJson(perUserText, perUserFile), perUserFile),
  };
}

/**
 * Reads the per-epoch history from a training node's `result.json`.
 * Returns `undefined` for nodes that keep no history.
 */
export async function readHistory(
  dir: string,
): Promise<HistoryPoint[] | undefined> {
  const file = path.join(dir, RESULT_FILE);
  const text = await readOptionalText(file);
  if (text === undefined) return undefined;
  return historyFromSummary(parseJson(text, file));
}

/**
 * Extracts the per-epoch history from a node's result (`{ summary: {
 * history } }`) or from its summary alone. Returns `undefined` when there
 * is no non-empty history array.
 */
export function historyFromSummary(
  result: unknown,
): HistoryPoint[] | undefined {
  const summary =
    isObject(result) && isObject(result.summary) ? result.summary : result;
  if (!isObject(summary) || !Array.isArray(summary.history)) return undefined;
  const points = toHistoryPoints(summary.history.filter(isObject));
  return points.length > 0 ? points : undefined;
}

/**
 * Returns the model metrics of a parsed `metrics.json` (`MetricsFile`):
 * model name, then metric name, then value, including the `.cases` counts.
 * Throws `INVALID_ARTIFACT` when `models` is missing or the file has
 * another format version.
 */
export function parseModelMetrics(
  json: unknown,
  file: string,
): Record<string, Record<string, number>> {
  const models = modelsOf(json, file);
  const result: Record<string, Record<string, number>> = {};
  for (const [model, values] of Object.entries(models)) {
    if (isObject(values)) result[model] = numericEntries(values);
  }

  return result;
}

/**
 * Returns the per-user vectors of a parsed `per-user.json`
 * (`PerUserFile`): model name, then metric name, then one value per user.
 */
export function parsePerUser(
  json: unknown,
  file: string,
): Record<string, Record<string, number[]>> {
  const models = modelsOf(json, file);
  const result: Record<string, Record<string, number[]>> = {};
  for (const [model, values] of Object.entries(models)) {
    if (!isObject(values)) continue;
    const vectors: Record<string, number[]> = {};
    for (const [metric, vector] of Object.entries(values)) {
      if (isNumberArray(vector)) vectors[metric] = vector;
    }
    result[model] = vectors;
  }

  return result;
}

function modelsOf(json: unknown, file: string): Record<string, unknown> {
  if (!isObject(json) || !isObject(json.models)) {
    throw new ReportError(
      'INVALID_ARTIFACT',
      `Metrics file ${file} is invalid: expected an object with ` +
        `\`models\`. ${RECOMPUTE_DAMAGED}`,
    );
  }

  if (json.formatVersion !== metricsFormatVersion) {
    throw new ReportError(
      'INVALID_ARTIFACT',
      `Metrics file ${file} has format version ` +
        `${String(json.formatVersion)}, but this Distillery reads version ` +
        `${metricsFormatVersion}. Run the pipeline again with this ` +
        'version, which recomputes the evaluate node.',
    );
  }

  return json.models;
}

async function loadVariant(
  record: RunRecord,
  variant: string | null,
  store: string,
): Promise<VariantResult> {
  const nodes = nodesOfVariant(record, variant);
  const result: VariantResult = {
    variant,
    runId: record.id,
    overrides: record.overrides ?? [],
    params: paramsOf(nodes),
    evaluations: [],
    curves: [],
  };
  for (const node of nodes.filter((n) => FINISHED.has(n.status))) {
    const dir = artifactDir(store, node.key);
    if (node.type === EVALUATE_TYPE) {
      result.evaluations.push(await readEvaluation(dir, node.name));
      continue;
    }

    const history = await readHistory(dir);
    if (history) {
      result.curves.push({
        node: node.name,
        type: node.type,
        key: node.key,
        history,
      });
    }
  }

  return result;
}

function paramsOf(nodes: readonly NodeRecord[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const node of nodes) {
    for (const [name, value] of Object.entries(node.params)) {
      params[`${node.name}.${name}`] = value;
    }
  }

  return params;
}

function isEvaluated(record: RunRecord, variant: string | null): boolean {
  const evaluations = nodesOfVariant(record, variant).filter(
    (n) => n.type === EVALUATE_TYPE,
  );
  return (
    evaluations.length > 0 && evaluations.every((n) => FINISHED.has(n.status))
  );
}

/** Variant names (`''` for none) in the order the records list them. */
function variantOrder(records: readonly RunRecord[]): string[] {
  const order: string[] = [];
  for (const record of [...records].sort(byStartTime)) {
    for (const variant of record.variants) {
      if (!order.includes(variant ?? '')) order.push(variant ?? '');
    }
  }

  return order;
}

/**
 * Converts the epoch records of a summary (`EpochRecord` of
 * `src/models/history.ts`) to history points. `elapsedS` is taken as
 * written, or else summed from the epochs' `trainSeconds`.
 */
function toHistoryPoints(entries: Record<string, unknown>[]): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  let trainedS = 0;
  for (const entry of entries) {
    if (typeof entry.epoch !== 'number') continue;
    const point: HistoryPoint = { epoch: entry.epoch };
    if (isFiniteNumber(entry.loss)) point.loss = entry.loss;
    if (isFiniteNumber(entry.validNdcg10))
      point.validNdcg10 = entry.validNdcg10;
    if (isFiniteNumber(entry.validHr10)) point.validHr10 = entry.validHr10;
    if (isFiniteNumber(entry.trainSeconds)) trainedS += entry.trainSeconds;
    if (isFiniteNumber(entry.elapsedS)) point.elapsedS = entry.elapsedS;
    else if (isFiniteNumber(entry.trainSeconds)) point.elapsedS = trainedS;
    points.push(point);
  }

  return points;
}

function parseRunRecord(text: string, file: string): RunRecord {
  const json = parseJson(text, file);
  if (!isObject(json) || typeof json.id !== 'string' || !isObject(json.nodes)) {
    throw new ReportError(
      'INVALID_RUN_RECORD',
      `Run record ${file} is invalid: expected an object with \`id\` and ` +
        '`nodes`. Delete the file if it was not written by Distillery.',
    );
  }

  return json as unknown as RunRecord;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ReportError(
      'INVALID_ARTIFACT',
      `File ${file} is not valid JSON (${(error as Error).message}). ` +
        'Re-run the node that wrote it, or delete the run record.',
      { cause: error },
    );
  }
}

async function readOptionalText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    throw error;
  }
}

async function canonicalPath(file: string): Promise<string> {
  const absolute = path.resolve(file);
  try {
    return await realpath(absolute);
  } catch {
    return absolute;
  }
}

function byStartTime(a: RunRecord, b: RunRecord): number {
  return a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id);
}

function numericEntries(
  values: Record<string, unknown>,
): Record<string, number> {
  const numeric: Record<string, number> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'number') numeric[name] = value;
  }

  return numeric;
}

function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}
