/**
 * Reads the runs of a teacher-initialisation sweep and of a
 * double-distillation sweep from a store and prints the tables of
 * docs/results.md, and writes the convergence chart as SVG.
 *
 *   npx tsx pipelines/analysis/results.ts --store /tmp/results-store \
 *     --convergence convergence-small --double double-distillation-small \
 *     --svg docs/convergence.svg
 *
 * Convergence: a curve's threshold is 95% of the best validation NDCG@10
 * of the `random` (from scratch) teacher of the same seed, or of the first
 * seed that has one. The first epoch at or above it, and the training
 * seconds up to that epoch, are read off the refine-teacher history.
 * Test metrics: mean and Student's t 95% interval over seeds, overall and
 * per segment; paired tests per seed from metrics.json, and per segment
 * with the test users of all seeds pooled (t-test and Wilcoxon).
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readDataset } from '../../src/data/artifact.js';
import { assignSegments } from '../../src/metrics/segments.js';
import {
  mcNemarTest,
  meanConfidenceInterval,
  pairedTTest,
  wilcoxonSignedRank,
} from '../../src/metrics/stats.js';
import {
  buildTestCases,
  trainingItemCounts,
} from '../../src/metrics/test-cases.js';
import { renderSvg, type VegaLiteSpec } from '../../src/report/render-svg.js';

/** One node of a run record, as far as this script reads it. */
interface NodeEntry {
  name: string;
  variant: string | null;
  key?: string;
  status: string;
  durationMs?: number;
  metrics?: Record<string, number>;
}

/** A run record, as far as this script reads it. */
interface RunEntry {
  id: string;
  pipeline: string;
  startedAt: string;
  status: string;
  nodes: Record<string, NodeEntry>;
}

/** One epoch of a training history. */
interface Epoch {
  epoch: number;
  validNdcg10: number;
  trainSeconds: number;
}

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: '/tmp/results-store' },
    convergence: { type: 'string', default: 'convergence-small' },
    double: { type: 'string', default: 'double-distillation-small' },
    svg: { type: 'string', default: '' },
    title: {
      type: 'string',
      default: 'refine-teacher: validation NDCG@10 per epoch',
    },
    fraction: { type: 'string', default: '0.95' },
    // Scratch teachers refined with other settings, compared with the
    // `random` curves' threshold (convergence-scratch-full-lr).
    'scratch-sweep': { type: 'string', default: '' },
    'scratch-label': { type: 'string', default: 'random, tables at full lr' },
    // Dataset of the other sweeps' variants, which do not name one, when
    // the convergence sweep's variants do.
    dataset: { type: 'string', default: 'ml-100k' },
  },
});
const store = args.store as string;
const fraction = Number(args.fraction);
const lines: string[] = [];
const out = (text = ''): void => {
  lines.push(text);
};

/** Reads every run record of `pipeline`, oldest first. */
async function runsOf(pipeline: string): Promise<RunEntry[]> {
  const dir = path.join(store, 'runs');
  const runs: RunEntry[] = [];
  for (const file of await readdir(dir)) {
    if (!file.endsWith('.json')) continue;
    const run = JSON.parse(
      await readFile(path.join(dir, file), 'utf8'),
    ) as RunEntry;
    if (run.pipeline === pipeline) runs.push(run);
  }
  return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** A node's artifact key, longest run time and reported metrics. */
interface NodeFound {
  key: string;
  durationMs: number;
  metrics: Record<string, number>;
}

/**
 * Finds, for each variant, the artifact key and the longest recorded
 * duration (the execution that ran, not a later cache hit) of `node`.
 */
function nodeKeys(
  runs: readonly RunEntry[],
  node: string,
): Map<string, NodeFound> {
  const found = new Map<string, NodeFound>();
  for (const run of runs) {
    for (const entry of Object.values(run.nodes)) {
      if (entry.name !== node || !entry.key) continue;
      if (entry.status !== 'ran' && entry.status !== 'cached') continue;
      const variant = entry.variant ?? '';
      const previous = found.get(variant);
      const durationMs =
        entry.status === 'ran' ? (entry.durationMs ?? 0) : 0;
      found.set(variant, {
        key: entry.key,
        durationMs: Math.max(durationMs, previous?.durationMs ?? 0),
        metrics: entry.metrics ?? previous?.metrics ?? {},
      });
    }
  }
  return found;
}

/** Reads the history of a training artifact from its result.json. */
async function historyOf(key: string): Promise<Epoch[]> {
  const file = path.join(store, 'objects', key, 'result.json');
  const result = JSON.parse(await readFile(file, 'utf8')) as {
    summary: { history: Epoch[] };
  };
  return result.summary.history;
}

/** Reads a JSON file of an artifact. */
async function artifactJson<T>(key: string, name: string): Promise<T> {
  const file = path.join(store, 'objects', key, name);
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** Parses `seed=1,init=random` into its settings. */
function settings(variant: string): Record<string, string> {
  const parsed: Record<string, string> = {};
  for (const part of variant.split(',')) {
    const [name, value] = part.split('=');
    parsed[name] = value;
  }
  return parsed;
}

/** Formats a number with `digits` decimals. */
function fixed(value: number, digits = 4): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Formats a mean and its 95% interval over seeds. */
function meanCi(values: readonly number[], digits = 4): string {
  const ci = meanConfidenceInterval(values);
  return `${fixed(ci.mean, digits)} ± ${fixed(ci.halfWidth, digits)}`;
}

/** One validation point of a refine-teacher curve. */
interface CurvePoint {
  init: string;
  seed: string;
  source: string;
  epoch: number;
  ndcg: number;
}

/** A refine-teacher curve with epoch 0 (the initialised teacher) first. */
interface Curve {
  init: string;
  seed: string;
  source: string;
  /** Artifact key of the refine-teacher node. */
  key: string;
  history: Epoch[];
}

/** Epochs whose validation NDCG@10 the convergence table lists. */
const LISTED_EPOCHS = [0, 1, 2, 5, 10, 20, 40];

/**
 * Reads the refine-teacher curves of `pipeline`. Variants without an
 * `init` setting (the double-distillation sweep) are `embedding-head`.
 */
async function curvesOf(
  pipeline: string,
  defaults: { init?: string; dataset?: string } = {},
): Promise<Curve[]> {
  const runs = await runsOf(pipeline);
  const refined = nodeKeys(runs, 'refined');
  const teachers = nodeKeys(runs, 'teacher');
  const curves: Curve[] = [];
  for (const [variant, { key }] of refined) {
    const {
      seed,
      init = defaults.init ?? 'embedding-head',
      dataset = defaults.dataset,
    } = settings(variant);
    // Epoch 0 is the teacher as init-teacher-from-student scored it.
    const start = teachers.get(variant)?.metrics['valid.ndcg@10'] ?? NaN;
    const history = [
      { epoch: 0, validNdcg10: start, trainSeconds: 0 },
      ...(await historyOf(key)),
    ];
    // The full sweep also varies `dataset`: it joins the seed label so the
    // two datasets' curves are never taken for one another.
    const label = dataset ? `${dataset} ${seed}` : seed;
    curves.push({ init, seed: label, source: pipeline, key, history });
  }
  return curves;
}

/**
 * Prints the initialised teachers' validation NDCG@10 per seed, and
 * returns the students' mean validation NDCG@10.
 */
function printInitialTeachers(runs: readonly RunEntry[]): number {
  const teachers = nodeKeys(runs, 'teacher');
  const students = nodeKeys(runs, 'student');
  out('Validation NDCG@10 of each teacher as initialised (epoch 0), and of');
  out('the student it was grown from:');
  out();
  out('| seed | student | embedding-head | function-preserving | random |');
  out('|---|---|---|---|---|');
  // Rows by (dataset, seed): the variant name without its `init` part.
  const rows = new Map<string, Map<string, number>>();
  for (const [variant, found] of teachers) {
    const { init, ...rest } = settings(variant);
    const row = Object.values(rest).join(' ');
    if (!rows.has(row)) rows.set(row, new Map());
    rows.get(row)!.set(init, found.metrics['valid.ndcg@10'] ?? NaN);
    const student = students.get(variant)?.metrics['valid.ndcg@10'];
    if (student !== undefined) rows.get(row)!.set('student', student);
  }
  const studentValues: number[] = [];
  for (const [row, values] of [...rows].sort()) {
    const student = values.get('student') ?? NaN;
    if (!Number.isNaN(student)) studentValues.push(student);
    const cells = ['embedding-head', 'function-preserving', 'random'].map(
      (init) => fixed(values.get(init) ?? NaN),
    );
    out(`| ${row} | ${fixed(student)} | ${cells.join(' | ')} |`);
  }
  out();
  return meanConfidenceInterval(studentValues).mean;
}

/**
 * Returns the scratch curve that sets `curve`'s threshold: the `random`
 * curve of the same seed label, else the first `random` curve of the same
 * dataset (the label's text before the seed).
 */
function scratchFor(curve: Curve, curves: readonly Curve[]): Curve | undefined {
  const random = curves.filter((c) => c.init === 'random');
  const dataset = (label: string): string =>
    label.includes(' ') ? label.split(' ')[0] : '';
  return (
    random.find((c) => c.seed === curve.seed) ??
    random.find((c) => dataset(c.seed) === dataset(curve.seed))
  );
}

/**
 * Prints the convergence tables and returns the points of the chart. Each
 * curve's threshold is `fraction` of the best validation NDCG@10 of its
 * scratch curve (see `scratchFor`).
 */
async function convergence(): Promise<{
  points: CurvePoint[];
  studentMean: number;
}> {
  const runs = await runsOf(args.convergence as string);
  const studentMean = printInitialTeachers(runs);
  const sweep = await curvesOf(args.convergence as string);
  // Label the other sweeps' curves like the convergence sweep's, so that
  // equal seeds meet.
  const dataset = sweep.some((c) => c.seed.includes(' '))
    ? (args.dataset as string)
    : undefined;
  const extra = await curvesOf(args.double as string, { dataset });
  const scratchSweep = args['scratch-sweep'] as string;
  const otherScratch = scratchSweep
    ? await curvesOf(scratchSweep, {
        init: args['scratch-label'] as string,
        dataset,
      })
    : [];
  // The embedding-head curves may exist in both sweeps: as the same
  // artifact (equal keys) or, when the code changed between the runs, as
  // a retrained one. The sweep's own is used, and a retrained duplicate
  // of seed 1 is printed as a repeatability check.
  const sameSeed = (a: Curve, b: Curve): boolean =>
    a.seed === b.seed || a.seed.endsWith(` ${b.seed}`);
  const curves = [
    ...sweep,
    ...otherScratch,
    ...extra.filter(
      (c) =>
        !sweep.some(
          (s) => s.key === c.key || (s.init === c.init && sameSeed(s, c)),
        ),
    ),
  ].sort((a, b) => `${a.init}${a.seed}`.localeCompare(`${b.init}${b.seed}`));
  out(
    `Threshold: ${fraction} x the best validation NDCG@10 of the random ` +
      'teacher of the same seed, or of the first seed that has one.',
  );
  out();
  out(
    '| init | seed | run | threshold (from seed) | epochs to threshold | ' +
      `training s to threshold | NDCG@10 at epochs ${LISTED_EPOCHS.join(', ')} | ` +
      'best (epoch) |',
  );
  out('|---|---|---|---|---|---|---|---|');
  const byInit = new Map<string, number[][]>();
  for (const curve of curves) {
    const scratch = scratchFor(curve, curves);
    const threshold = scratch
      ? fraction * Math.max(...scratch.history.map((e) => e.validNdcg10))
      : NaN;
    const history = curve.history;
    const index = history.findIndex((e) => e.validNdcg10 >= threshold);
    const train = history
      .slice(0, index + 1)
      .reduce((sum, e) => sum + e.trainSeconds, 0);
    const top = history.reduce((a, b) =>
      b.validNdcg10 > a.validNdcg10 ? b : a,
    );
    const at = LISTED_EPOCHS.map((n) => {
      const value = history.find((e) => e.epoch === n)?.validNdcg10;
      return value === undefined ? '-' : fixed(value);
    }).join(', ');
    const reached =
      index < 0 ? `not in ${history.length - 1}` : `${history[index].epoch}`;
    // Means are per initialisation and dataset (the seed label's text
    // before the seed), never across datasets.
    const datasetOf = curve.seed.includes(' ') ? curve.seed.split(' ')[0] : '';
    const group = datasetOf ? `${curve.init} (${datasetOf})` : curve.init;
    if (!byInit.has(group)) byInit.set(group, []);
    byInit
      .get(group)!
      .push([
        index < 0 ? NaN : history[index].epoch,
        index < 0 ? NaN : train,
        history[history.length - 1].validNdcg10,
        top.validNdcg10,
      ]);
    out(
      `| ${curve.init} | ${curve.seed} | ${curve.source} | ` +
        `${fixed(threshold)} (${scratch?.seed ?? 'none'}) | ${reached} | ` +
        `${index < 0 ? 'n/a' : fixed(train, 1)} | ${at} | ` +
        `${fixed(top.validNdcg10)} (${top.epoch}) |`,
    );
  }
  out();
  out(
    'Mean ± 95% CI over the seeds of each initialisation (n/a: no ' +
      'interval, which needs two values):',
  );
  out();
  out(
    '| init | seeds | reached threshold | epochs to threshold | ' +
      'training s to threshold | NDCG@10 at the last epoch | best NDCG@10 |',
  );
  out('|---|---|---|---|---|---|---|');
  for (const [init, rows] of byInit) {
    const column = (i: number): number[] => rows.map((row) => row[i]);
    // Epochs and seconds to the threshold are averaged over the seeds
    // that reached it, and the count shows how many did.
    const reached = (i: number): number[] =>
      column(i).filter((value) => !Number.isNaN(value));
    out(
      `| ${init} | ${rows.length} | ${reached(0).length} of ${rows.length} | ` +
        `${meanCi(reached(0), 2)} | ${meanCi(reached(1), 1)} | ` +
        `${meanCi(column(2))} | ${meanCi(column(3))} |`,
    );
  }
  out();
  const firstSeed = dataset ? `${dataset} 1` : '1';
  const repeat = extra.find(
    (c) => c.init === 'embedding-head' && c.seed === firstSeed,
  );
  const original = sweep.find(
    (c) => c.init === 'embedding-head' && c.seed === firstSeed,
  );
  if (repeat && original && repeat.key !== original.key) {
    const differences = original.history.map((e, i) =>
      Math.abs(e.validNdcg10 - (repeat.history[i]?.validNdcg10 ?? NaN)),
    );
    out(
      'Repeatability: seed 1 embedding-head in both sweeps, largest ' +
        `difference of validation NDCG@10 over epochs 0-8: ` +
        `${fixed(Math.max(...differences))}.`,
    );
    out();
  }
  // The chart shows one dataset, the one of `--dataset`, so that the mean
  // lines never mix datasets.
  const charted = curves.filter(
    (c) => !c.seed.includes(' ') || c.seed.startsWith(`${args.dataset} `),
  );
  const points = charted.flatMap((c) =>
    c.history.map((e) => ({
      init: c.init,
      seed: c.seed,
      source: c.source,
      epoch: e.epoch,
      ndcg: e.validNdcg10,
    })),
  );
  return { points, studentMean };
}

/** The files of an evaluate artifact that this script reads. */
interface Metrics {
  cases: number;
  segments: Record<string, { rule: string; cases: number }>;
  models: Record<string, Record<string, number>>;
  comparisons: {
    model: string;
    baseline: string;
    metric: string;
    n: number;
    meanDifference: number;
    tTest: { pValue: number };
    wilcoxon: { pValue: number };
    mcNemar?: { pValue: number };
  }[];
}

/** Per-user values of an evaluate artifact. */
interface PerUser {
  users: number[];
  models: Record<string, Record<string, number[]>>;
}

/** Prints the test tables of the double-distillation sweep. */
async function doubleDistillation(): Promise<void> {
  const runs = await runsOf(args.double as string);
  const evaluations = nodeKeys(runs, 'evaluate');
  const datasets = nodeKeys(runs, 'data');
  const models = ['student', 'refined', 'distilled', 'most-popular'];
  const metricNames = ['ndcg@10', 'hr@10', 'mrr'];
  const segments = ['', 'cold-item.', 'sparse-user.', 'rest.'];
  const perSeed: { seed: string; metrics: Metrics; perUser: PerUser }[] = [];
  const segmentUsers = new Map<string, Map<string, Set<number>>>();
  for (const [variant, { key }] of [...evaluations].sort()) {
    const seed = settings(variant).seed;
    const metrics = await artifactJson<Metrics>(key, 'metrics.json');
    const perUser = await artifactJson<PerUser>(key, 'per-user.json');
    perSeed.push({ seed, metrics, perUser });
    const dataKey = datasets.get(variant)!.key;
    const dataset = await readDataset(path.join(store, 'objects', dataKey));
    const caseSet = buildTestCases(dataset, 'test');
    const assignment = assignSegments(
      caseSet.cases,
      trainingItemCounts(dataset),
      { coldItemThreshold: 5, sparseUserThreshold: 30 },
    );
    const bySegment = new Map<string, Set<number>>();
    for (const [name, indices] of Object.entries(assignment)) {
      bySegment.set(
        name,
        new Set(indices.map((i) => caseSet.cases[i].user)),
      );
    }
    segmentUsers.set(seed, bySegment);
  }

  const first = perSeed[0].metrics;
  out('Segments (the same users in every seed):');
  out();
  for (const [name, segment] of Object.entries(first.segments)) {
    out(`- \`${name}\`: ${segment.rule}; ${segment.cases} of ${first.cases}`);
  }
  out();
  for (const metric of metricNames) {
    out(`test.${metric}, mean ± 95% CI over ${perSeed.length} seeds:`);
    out();
    out('| model | all | cold-item | sparse-user | rest |');
    out('|---|---|---|---|---|');
    for (const model of models) {
      const cells = segments.map((segment) =>
        meanCi(
          perSeed.map((s) => s.metrics.models[model][`test.${segment}${metric}`]),
        ),
      );
      out(`| ${model} | ${cells.join(' | ')} |`);
    }
    out();
  }

  out('Paired tests per seed (evaluate node; student is the baseline):');
  out();
  out(
    '| seed | model | metric | n | mean diff | t-test p | Wilcoxon p | ' +
      'McNemar p |',
  );
  out('|---|---|---|---|---|---|---|---|');
  for (const { seed, metrics, perUser } of perSeed) {
    for (const c of metrics.comparisons) {
      if (c.metric !== 'test.ndcg@10' && c.metric !== 'test.hr@10') continue;
      // Evaluations written before McNemar's test joined metrics.json
      // lack it, so it is computed here from the per-user values.
      const mcNemar =
        c.metric === 'test.hr@10'
          ? (c.mcNemar ??
            mcNemarTest(
              perUser.models[c.model][c.metric],
              perUser.models[c.baseline][c.metric],
            ))
          : undefined;
      out(
        `| ${seed} | ${c.model} | ${c.metric} | ${c.n} | ` +
          `${fixed(c.meanDifference)} | ${fixed(c.tTest.pValue, 3)} | ` +
          `${fixed(c.wilcoxon.pValue, 3)} | ` +
          `${mcNemar ? fixed(mcNemar.pValue, 3) : '-'} |`,
      );
    }
  }
  out();

  out('Paired tests per segment, test users of all seeds pooled');
  out('(model minus student):');
  out();
  out(
    '| segment | model | metric | pairs | mean diff | t-test p | ' +
      'Wilcoxon p | McNemar p |',
  );
  out('|---|---|---|---|---|---|---|---|');
  for (const segment of ['all', 'cold-item', 'sparse-user', 'rest']) {
    for (const model of ['refined', 'distilled']) {
      for (const metric of ['test.ndcg@10', 'test.hr@10', 'test.mrr']) {
        const a: number[] = [];
        const b: number[] = [];
        for (const { seed, perUser } of perSeed) {
          const members = segmentUsers.get(seed)!.get(segment);
          perUser.users.forEach((user, i) => {
            if (members && !members.has(user)) return;
            a.push(perUser.models[model][metric][i]);
            b.push(perUser.models.student[metric][i]);
          });
        }
        const t = pairedTTest(a, b);
        const w = wilcoxonSignedRank(a, b);
        const m = metric.includes('hr@') ? mcNemarTest(a, b) : undefined;
        out(
          `| ${segment} | ${model} | ${metric} | ${a.length} | ` +
            `${fixed(t.meanDifference)} | ${fixed(t.pValue, 3)} | ` +
            `${fixed(w.pValue, 3)} | ${m ? fixed(m.pValue, 3) : '-'} |`,
        );
      }
    }
  }
  out();
}

/** Renders the validation curves, one line per seed, a colour per init. */
async function chart(
  points: CurvePoint[],
  studentMean: number,
  file: string,
): Promise<void> {
  const epochAxis = { title: 'epoch', tickMinStep: 1, format: 'd' };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: args.title as string,
    width: 520,
    height: 300,
    data: { values: points.map((p) => ({ ...p, run: `${p.init} ${p.seed}` })) },
    layer: [
      {
        mark: { type: 'line', opacity: 0.35 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', axis: epochAxis },
          y: { field: 'ndcg', type: 'quantitative', title: 'valid NDCG@10' },
          color: { field: 'init', type: 'nominal', title: 'teacher init' },
          detail: { field: 'run', type: 'nominal' },
        },
      },
      {
        mark: { type: 'line', point: true, strokeWidth: 2.5 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', axis: epochAxis },
          y: { aggregate: 'mean', field: 'ndcg', type: 'quantitative' },
          color: { field: 'init', type: 'nominal' },
        },
      },
      {
        // The students' mean validation NDCG@10, the level that the
        // function-preserving teachers start at.
        data: { values: [{ student: studentMean }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#555' },
        encoding: { y: { field: 'student', type: 'quantitative' } },
      },
      {
        data: {
          values: [
            {
              student: studentMean,
              epoch: Math.max(...points.map((p) => p.epoch)),
            },
          ],
        },
        mark: { type: 'text', align: 'right', dy: -7, color: '#555' },
        encoding: {
          x: { field: 'epoch', type: 'quantitative' },
          y: { field: 'student', type: 'quantitative' },
          text: { value: 'student (mean)' },
        },
      },
    ],
  } as unknown as VegaLiteSpec;
  await writeFile(file, await renderSvg(spec));
}

const { points, studentMean } = await convergence();
await doubleDistillation().catch((error: unknown) => {
  out(`(double-distillation tables unavailable: ${String(error)})`);
});
if (args.svg) await chart(points, studentMean, args.svg as string);
process.stdout.write(lines.join('\n') + '\n');
