/**
 * A temporary store with recorded runs of a teacher-init sweep (seeds 1-3,
 * `init` embedding-head or random) and their artifacts, for the `compare`
 * and report tests. The numbers are chosen so means, intervals and paired
 * tests can be checked by hand.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  NodeRecord,
  NodeRecordStatus,
  RunRecord,
} from '../src/runner/run-record.js';

export const SEEDS = [1, 2, 3] as const;
export const INITS = ['embedding-head', 'random'] as const;

/** Refined-teacher test NDCG@10 by init, one value per seed. */
export const REFINED_NDCG: Record<string, number[]> = {
  'embedding-head': [0.2, 0.22, 0.24],
  random: [0.1, 0.12, 0.14],
};

/** Per-user NDCG@10 of the refined teacher minus the random-init one. */
export const REFINED_USER_GAIN = [0.01, 0.02, 0.03, 0.04];

/** Per-user NDCG@10 of the distilled student minus the random-init one. */
export const DISTILLED_USER_GAIN = [0.01, -0.02, 0.03, -0.01];

const USER_BASE = [0.1, 0.2, 0.3, 0.4];

/** One variant of a fixture run. */
export interface FixtureVariant {
  seed: number;
  init: string;
  /** Overrides the refined teacher's test NDCG@10. */
  refinedNdcg?: number;
  /** Status of the evaluate node. Default `ran`. */
  evaluateStatus?: NodeRecordStatus;
}

/** A store with fixture runs, removed by `cleanup`. */
export interface FixtureStore {
  store: string;
  pipelineFile: string;
  cleanup(): Promise<void>;
}

/** Returns the variant name of a seed and init. */
export function variantName(seed: number, init: string): string {
  return `seed=${seed},init=${init}`;
}

/**
 * Creates a store with three runs of the sweep:
 * - `run-a` (oldest): all six variants, but `seed=1,init=random` with a
 *   stale refined NDCG@10 of 0.5;
 * - `run-b`: `seed=1,init=random` again, with the value in REFINED_NDCG;
 * - `run-c` (newest): `seed=2,init=random`, whose evaluate node failed, so
 *   `run-a` stays the latest result of that variant.
 */
export async function createSweepStore(): Promise<FixtureStore> {
  const root = await mkdtemp(path.join(tmpdir(), 'distillery-report-'));
  const store = path.join(root, 'artifacts');
  const pipelineFile = path.join(root, 'teacher-init-sweep.yaml');
  await writeFile(pipelineFile, sweepPipeline([1, 2, 3]));

  const all = SEEDS.flatMap((seed) => INITS.map((init) => ({ seed, init })));
  const stale = all.map((v) =>
    v.seed === 1 && v.init === 'random' ? { ...v, refinedNdcg: 0.5 } : v,
  );
  await writeRun(
    store,
    pipelineFile,
    'run-a',
    '2026-01-01T10:00:00.000Z',
    stale,
  );
  await writeRun(store, pipelineFile, 'run-b', '2026-01-02T10:00:00.000Z', [
    { seed: 1, init: 'random' },
  ]);
  await writeRun(store, pipelineFile, 'run-c', '2026-01-03T10:00:00.000Z', [
    { seed: 2, init: 'random', evaluateStatus: 'failed' },
  ]);

  return {
    store,
    pipelineFile,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Returns the text of the sweep's pipeline file over the given seeds. */
export function sweepPipeline(seeds: readonly number[]): string {
  return [
    'name: teacher-init-sweep',
    'vars: { seed: 1 }',
    'nodes:',
    '  data: { type: load-data, params: { dataset: ml-100k } }',
    '  student:',
    '    type: pretrain-student',
    '    params: { seed: "${vars.seed}", epochs: 4 }',
    '    inputs: { dataset: data }',
    '  teacher:',
    '    type: init-teacher-from-student',
    '    params: { init: embedding-head, seed: "${vars.seed}" }',
    '    inputs: { student: student, dataset: data }',
    '  refined:',
    '    type: refine-teacher',
    '    params: { epochs: 4 }',
    '    inputs: { teacher: teacher, student: student, dataset: data }',
    '  distilled:',
    '    type: distill-back',
    '    params: { epochs: 3 }',
    '    inputs: { teacher: refined, student: student, dataset: data }',
    '  evaluate:',
    '    type: evaluate',
    '    inputs: { dataset: data, models: [student, refined, distilled] }',
    'variants:',
    '  matrix:',
    `    vars.seed: [${seeds.join(', ')}]`,
    `    nodes.teacher.params.init: [${INITS.join(', ')}]`,
    '',
  ].join('\n');
}

/** Writes one run record and the artifacts of its nodes. */
export async function writeRun(
  store: string,
  pipelineFile: string,
  runId: string,
  startedAt: string,
  variants: readonly FixtureVariant[],
): Promise<RunRecord> {
  const nodes: Record<string, NodeRecord> = {};
  for (const variant of variants) {
    for (const node of await writeVariant(store, runId, variant)) {
      nodes[node.id] = node;
    }
  }

  const record: RunRecord = {
    id: runId,
    pipeline: 'teacher-init-sweep',
    pipelineFile,
    variants: variants.map((v) => variantName(v.seed, v.init)),
    overrides: [],
    startedAt,
    endedAt: startedAt,
    status: variants.some((v) => v.evaluateStatus === 'failed')
      ? 'failed'
      : 'succeeded',
    store,
    engine: { backend: 'cpu', versions: { 'tfjs-core': '4.22.0' } },
    nodes,
  };
  await mkdir(path.join(store, 'runs'), { recursive: true });
  await writeFile(
    path.join(store, 'runs', `${runId}.json`),
    JSON.stringify(record, null, 2),
  );
  return record;
}

async function writeVariant(
  store: string,
  runId: string,
  variant: FixtureVariant,
): Promise<NodeRecord[]> {
  const { seed, init } = variant;
  const name = variantName(seed, init);
  const keys = {
    data: 'key-data',
    student: `key-student-s${seed}`,
    teacher: `key-teacher-s${seed}-${init}`,
    refined: `key-refined-s${seed}-${init}-${runId}`,
    distilled: `key-distilled-s${seed}-${init}-${runId}`,
    evaluate: `key-evaluate-s${seed}-${init}-${runId}`,
  };
  const node = (
    nodeName: keyof typeof keys,
    type: string,
    params: Record<string, unknown>,
    inputs: Record<string, string | string[]>,
    status: NodeRecordStatus = 'ran',
  ): NodeRecord => ({
    id: `${nodeName}@${name}`,
    name: nodeName,
    variant: name,
    type,
    status,
    key: keys[nodeName],
    keyFields: {
      schema: 1,
      type,
      typeVersion: '1',
      implementation: 'impl',
      params,
      inputs,
      files: {},
      env: {},
    },
    artifactDigest:
      status === 'failed' ? undefined : `digest-${keys[nodeName]}`,
    params,
    durationMs: 1500,
    metrics: {},
  });
  const digest = (n: keyof typeof keys) => `digest-${keys[n]}`;

  const nodes = [
    node('data', 'load-data', { dataset: 'ml-100k' }, {}),
    node(
      'student',
      'pretrain-student',
      { seed, epochs: 4 },
      { dataset: digest('data') },
    ),
    node(
      'teacher',
      'init-teacher-from-student',
      { init, seed },
      { student: digest('student'), dataset: digest('data') },
    ),
    node(
      'refined',
      'refine-teacher',
      { epochs: 4 },
      { teacher: digest('teacher') },
    ),
    node(
      'distilled',
      'distill-back',
      { epochs: 3 },
      { teacher: digest('refined') },
    ),
    node(
      'evaluate',
      'evaluate',
      {},
      { models: [digest('student'), digest('refined'), digest('distilled')] },
      variant.evaluateStatus ?? 'ran',
    ),
  ];

  await writeArtifacts(store, keys, variant);
  return nodes;
}

async function writeArtifacts(
  store: string,
  keys: Record<string, string>,
  variant: FixtureVariant,
): Promise<void> {
  const seedIndex = SEEDS.indexOf(variant.seed as 1 | 2 | 3);
  const isEmbedding = variant.init === 'embedding-head';
  const refined = variant.refinedNdcg ?? REFINED_NDCG[variant.init][seedIndex];

  await writeResult(store, keys.student, studentHistory(variant.seed));
  await writeResult(store, keys.refined, refinedHistory(isEmbedding));
  await writeResult(store, keys.distilled, [
    epochRecord(1, 4.1, isEmbedding ? 0.07 : 0.06),
    epochRecord(2, 3.9, isEmbedding ? 0.08 : 0.075),
  ]);

  const models = {
    student: {
      'test.hr@10': 0.1 + 0.01 * variant.seed,
      'test.ndcg@10': 0.05 + 0.01 * variant.seed,
    },
    refined: { 'test.hr@10': 2 * refined, 'test.ndcg@10': refined },
    distilled: {
      'test.hr@10': 0.2,
      'test.ndcg@10': isEmbedding ? 0.095 : 0.09,
    },
  };
  const gain = (values: number[]) =>
    USER_BASE.map((base, i) => base + (isEmbedding ? values[i] : 0));
  const perUser = {
    student: { 'test.ndcg@10': USER_BASE, 'test.hr@10': [0, 1, 0, 1] },
    refined: {
      'test.ndcg@10': gain(REFINED_USER_GAIN),
      'test.hr@10': isEmbedding ? [1, 1, 0, 1] : [0, 1, 0, 1],
    },
    distilled: {
      'test.ndcg@10': gain(DISTILLED_USER_GAIN),
      'test.hr@10': [0, 1, 0, 1],
    },
  };
  const dir = path.join(store, 'objects', keys.evaluate);
  await mkdir(dir, { recursive: true });
  // The fields of MetricsFile and PerUserFile that reports read, plus a
  // segment count as `evaluate` writes it.
  for (const values of Object.values(models)) {
    Object.assign(values, { 'test.cases': 4 });
  }
  await writeFile(
    path.join(dir, 'metrics.json'),
    JSON.stringify({ formatVersion: 1, split: 'test', cases: 4, models }),
  );
  await writeFile(
    path.join(dir, 'per-user.json'),
    JSON.stringify({
      formatVersion: 1,
      split: 'test',
      users: [0, 1, 2, 3],
      models: perUser,
    }),
  );
  await writeFile(
    path.join(dir, 'result.json'),
    JSON.stringify({ metrics: {} }),
  );
}

/** An epoch as `src/models/history.ts` records it: 2 s per epoch. */
function epochRecord(epoch: number, loss: number, validNdcg10: number): object {
  return {
    epoch,
    loss,
    validHr10: 2 * validNdcg10,
    validNdcg10,
    trainSeconds: 2,
    sequencesPerS: 400,
  };
}

function studentHistory(seed: number): object[] {
  return [1, 2, 3, 4].map((epoch) =>
    epochRecord(
      epoch,
      6 - epoch * 0.5 + seed * 0.01,
      0.02 * epoch + seed * 0.001,
    ),
  );
}

function refinedHistory(isEmbedding: boolean): object[] {
  const ndcg = isEmbedding
    ? [0.18, 0.21, 0.22, 0.22]
    : [0.04, 0.08, 0.11, 0.13];
  return ndcg.map((value, i) =>
    epochRecord(i + 1, (isEmbedding ? 4 : 6) - i * 0.3, value),
  );
}

async function writeResult(
  store: string,
  key: string,
  history: object[],
): Promise<void> {
  const dir = path.join(store, 'objects', key);
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'result.json'),
    JSON.stringify({ metrics: {}, summary: { history } }),
  );
}
