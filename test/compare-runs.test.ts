import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompareCommand } from '../src/report/commands.js';
import { compareRuns, type CompareTable } from '../src/report/compare.js';
import { ReportError } from '../src/report/errors.js';
import { readRunRecord } from '../src/report/load-runs.js';
import { resolveTarget } from '../src/report/targets.js';
import {
  createSweepStore,
  REFINED_NDCG,
  sweepPipeline,
  writeRun,
  type FixtureStore,
} from './report-fixtures.js';

/** t quantile of 0.975 with 2 degrees of freedom. */
const T_975_DF2 = 4.302652729911275;

/**
 * Limit of the setup: writing the fixture store and importing the node
 * types that load the pipeline file take seconds on a busy machine.
 */
const SETUP_TIMEOUT_MS = 60_000;

let fixture: FixtureStore;
let table: CompareTable;

beforeAll(async () => {
  fixture = await createSweepStore();
  const { records } = await resolveTarget(fixture.pipelineFile, fixture.store);
  table = await compareRuns(records, {
    store: fixture.store,
    baseline: 'init=random',
  });
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await fixture.cleanup();
});

function cellOf(label: string, id: string) {
  const row = table.rows.find((r) => r.label === label);
  const index = table.metricColumns.findIndex((c) => c.id === id);
  expect(row, `row ${label}`).toBeDefined();
  expect(index, `column ${id}`).toBeGreaterThanOrEqual(0);
  return row!.cells[index];
}

describe('compareRuns on a seeded sweep', () => {
  it('groups seeds into one row per setting', () => {
    expect(table.grouped).toBe(true);
    expect(table.rows.map((r) => r.label)).toEqual([
      'init=embedding-head',
      'init=random',
    ]);
    expect(table.rows[1].params.seeds).toBe('1,2,3');
  });

  it('shows only differing params, seeds folded into one', () => {
    expect(table.paramColumns).toEqual(['init', 'seeds']);
  });

  it('defaults to hr and ndcg at 10 of every model', () => {
    expect(table.metricColumns.map((c) => c.id)).toEqual([
      'student:test.hr@10',
      'student:test.ndcg@10',
      'refined:test.hr@10',
      'refined:test.ndcg@10',
      'distilled:test.hr@10',
      'distilled:test.ndcg@10',
    ]);
  });

  it('takes the latest finished result of each variant', () => {
    const cell = cellOf('init=random', 'refined:test.ndcg@10');
    // run-b replaced the stale 0.5 of seed 1; run-c's failed seed 2
    // leaves run-a's value in place.
    expect(cell.values).toEqual(REFINED_NDCG.random);
    expect(table.runIds.sort()).toEqual(['run-a', 'run-b']);
  });

  it('computes mean and t interval over seeds', () => {
    const cell = cellOf('init=random', 'refined:test.ndcg@10');
    const halfWidth = (T_975_DF2 * 0.02) / Math.sqrt(3);
    expect(cell.mean).toBeCloseTo(0.12, 12);
    expect(cell.ci?.halfWidth).toBeCloseTo(halfWidth, 9);
    expect(cell.ci?.low).toBeCloseTo(0.12 - halfWidth, 9);
    expect(cell.ci?.high).toBeCloseTo(0.12 + halfWidth, 9);
  });

  it('computes the difference to the baseline', () => {
    expect(table.baseline).toBe('init=random');
    const cell = cellOf('init=embedding-head', 'refined:test.ndcg@10');
    expect(cell.delta).toBeCloseTo(0.1, 12);
    expect(cellOf('init=random', 'refined:test.ndcg@10').delta).toBe(0);
  });

  it('marks a paired t-test over users below 0.05', () => {
    // Per-user gains 0.01..0.04: t = 3.873 with 3 degrees of freedom.
    const refined = cellOf('init=embedding-head', 'refined:test.ndcg@10');
    expect(refined.pValue).toBeGreaterThan(0.03);
    expect(refined.pValue).toBeLessThan(0.031);
    expect(refined.significant).toBe(true);
  });

  it('leaves noisy or equal users unmarked', () => {
    const distilled = cellOf('init=embedding-head', 'distilled:test.ndcg@10');
    expect(distilled.pValue).toBeGreaterThan(0.5);
    expect(distilled.significant).toBe(false);
    const student = cellOf('init=embedding-head', 'student:test.ndcg@10');
    expect(student.pValue).toBe(1);
    expect(student.significant).toBe(false);
    expect(cellOf('init=random', 'refined:test.ndcg@10').pValue).toBeNull();
  });
});

describe('compare command formats', () => {
  const run = (extra: Partial<Parameters<typeof runCompareCommand>[0]>) =>
    runCompareCommand({
      target: fixture.pipelineFile,
      store: fixture.store,
      baseline: 'init=random',
      ...extra,
    });

  it('table fits 80 columns with legend', async () => {
    const text = await run({ format: 'table' });
    for (const line of text.split('\n')) {
      expect(line.length, line).toBeLessThanOrEqual(80);
    }
    expect(text).toContain('6 variants in 2 settings');
    expect(text).toContain('0.2200 ±0.0497');
    expect(text).toContain('+0.1000*');
    expect(text).toContain('base');
    expect(text).toMatch(/^init +seeds +test\.hr@10 +Δ +test\.ndcg@10/m);
    expect(text).toMatch(
      /^embedding-head +1,2,3 +0\.1200 ±0\.0248 +0\.0000 +0\.0700 /m,
    );
    expect(text).toContain('paired t-test');
  });

  it('table repeats label columns per block', async () => {
    const text = await run({ format: 'table' });
    const blocks = text.split('\n\n').slice(1);
    expect(blocks.length).toBeGreaterThan(1);
    for (const block of blocks) {
      expect(block).toMatch(/^embedding-head +1,2,3 /m);
      expect(block).toMatch(/^random +1,2,3 /m);
    }
  });

  it('csv holds full-precision columns', async () => {
    const lines = (await run({ format: 'csv' })).trimEnd().split('\r\n');
    const header = lines[0].split(',');
    expect(header.slice(0, 3)).toEqual(['setting', 'init', 'seeds']);
    const column = header.indexOf('refined:test.ndcg@10');
    expect(header.slice(column, column + 6)).toEqual([
      'refined:test.ndcg@10',
      'refined:test.ndcg@10 ci_low',
      'refined:test.ndcg@10 ci_high',
      'refined:test.ndcg@10 n',
      'refined:test.ndcg@10 delta',
      'refined:test.ndcg@10 p_value',
    ]);
    const embedding = parseCsvLine(lines[1]);
    expect(embedding[0]).toBe('init=embedding-head');
    expect(embedding[2]).toBe('1,2,3');
    expect(Number(embedding[column])).toBeCloseTo(0.22, 12);
    expect(embedding[column + 3]).toBe('3');
    expect(Number(embedding[column + 4])).toBeCloseTo(0.1, 12);
    expect(lines).toHaveLength(3);
  });

  it('json is the table object', async () => {
    const parsed = JSON.parse(await run({ format: 'json' })) as CompareTable;
    expect(parsed.baseline).toBe('init=random');
    expect(parsed.rows[0].cells[3].mean).toBeCloseTo(0.22, 12);
    expect(parsed.rows[0].cells[3].significant).toBe(true);
  });

  it('markdown has a header per column', async () => {
    const text = await run({ format: 'markdown' });
    const [header, align, first] = text.split('\n');
    expect(header).toContain('| init | seeds | student test.hr@10 | Δ |');
    expect(align.split('|').filter((c) => c.trim() !== '')).toHaveLength(14);
    expect(first).toContain('| 0.2200 ± 0.0497 | +0.1000\\* |');
  });

  it('selects one metric per flag', async () => {
    const text = await run({
      format: 'csv',
      metrics: ['refined:test.ndcg@10', 'test.hr@10'],
    });
    const header = text.split('\r\n')[0];
    const means = header
      .split(',')
      .filter((h) => /^[a-z]+:test\.[a-z@0-9]+$/.test(h));
    expect(means).toEqual([
      'student:test.hr@10',
      'refined:test.ndcg@10',
      'refined:test.hr@10',
      'distilled:test.hr@10',
    ]);
  });

  it('sorts by a metric, best first', async () => {
    const json = await run({
      format: 'json',
      sort: 'refined:test.ndcg@10:asc',
    });
    const rows = (JSON.parse(json) as CompareTable).rows.map((r) => r.label);
    expect(rows).toEqual(['init=random', 'init=embedding-head']);
    const descending = await run({
      format: 'json',
      sort: 'refined:test.ndcg@10',
    });
    const labels = (JSON.parse(descending) as CompareTable).rows.map(
      (r) => r.label,
    );
    expect(labels).toEqual(['init=embedding-head', 'init=random']);
  });

  it('accepts a variant name as baseline', async () => {
    const json = await run({
      format: 'json',
      baseline: 'seed=2,init=embedding-head',
    });
    expect((JSON.parse(json) as CompareTable).baseline).toBe(
      'init=embedding-head',
    );
  });

  it.each([
    [{ metrics: ['test.mrr'] }, 'UNKNOWN_METRIC', /test\.ndcg@10/],
    [{ sort: 'nope' }, 'UNKNOWN_SORT_KEY', /refined:test\.ndcg@10/],
    [{ sort: 'test.ndcg@10' }, 'UNKNOWN_SORT_KEY', /student:test\.ndcg@10/],
    [{ baseline: 'init=none' }, 'UNKNOWN_BASELINE', /init=random/],
    [{ format: 'xml' }, 'UNKNOWN_FORMAT', /markdown/],
    [{ target: 'no-such-run' }, 'RUN_NOT_FOUND', /no-such-run/],
    [{ target: 'other.yaml' }, 'NO_RUNS_FOR_PIPELINE', /distillery run/],
  ])('rejects %o with a named error', async (args, code, message) => {
    const error = await run(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportError);
    expect((error as ReportError).code).toBe(code);
    expect((error as ReportError).message).toMatch(message);
  });
});

describe('compare of an edited pipeline', () => {
  it('leaves out variants removed from the file', async () => {
    await writeFile(fixture.pipelineFile, sweepPipeline([1, 2]));
    try {
      const json = await runCompareCommand({
        target: fixture.pipelineFile,
        store: fixture.store,
        format: 'json',
      });
      const rows = (JSON.parse(json) as CompareTable).rows;
      expect(rows.map((r) => r.params.seeds)).toEqual(['1,2', '1,2']);
    } finally {
      await writeFile(fixture.pipelineFile, sweepPipeline([1, 2, 3]));
    }
  });

  it('keeps every variant of an invalid file', async () => {
    await writeFile(fixture.pipelineFile, 'name: teacher-init-sweep\n');
    try {
      const json = await runCompareCommand({
        target: fixture.pipelineFile,
        store: fixture.store,
        format: 'json',
      });
      const rows = (JSON.parse(json) as CompareTable).rows;
      expect(rows.map((r) => r.params.seeds)).toEqual(['1,2,3', '1,2,3']);
    } finally {
      await writeFile(fixture.pipelineFile, sweepPipeline([1, 2, 3]));
    }
  });
});

describe('compare on one seed', () => {
  it('keeps one row per variant', async () => {
    const store = path.join(fixture.store, '..', 'one-seed');
    const file = fixture.pipelineFile;
    await writeRun(store, file, 'run-1', '2026-02-01T00:00:00.000Z', [
      { seed: 1, init: 'embedding-head' },
      { seed: 1, init: 'random' },
    ]);
    const text = await runCompareCommand({
      target: 'run-1',
      store,
      format: 'table',
      metrics: ['refined:test.ndcg@10'],
      baseline: 'init=random',
    });
    expect(text).toContain('2 variants (run run-1)');
    expect(text).toMatch(/^variant +init +test\.ndcg@10 +Δ$/m);
    expect(text).toMatch(
      /^seed=1,init=embedding-head +embedding-head +0\.2000 +\+0\.1000\*$/m,
    );
    expect(text).toMatch(/^seed=1,init=random +random +0\.1000 +base$/m);
  });

  it('reads the latest run', async () => {
    const record = await readRunRecord(fixture.store, 'latest');
    expect(record.id).toBe('run-c');
  });

  it('rejects an ambiguous run prefix', async () => {
    const error = await runCompareCommand({
      target: 'run-',
      store: fixture.store,
    }).catch((e: unknown) => e);
    expect((error as ReportError).code).toBe('RUN_NOT_FOUND');
    expect((error as ReportError).message).toContain(
      'it is a prefix of 3 runs: run-a, run-b, run-c',
    );
  });

  it('shows a pipeline without variants', async () => {
    const store = path.join(fixture.store, '..', 'no-variants');
    const record = await writeRun(
      store,
      fixture.pipelineFile,
      'plain',
      '2026-03-01T00:00:00.000Z',
      [{ seed: 1, init: 'random' }],
    );
    // Rewrite the record as the runner writes a pipeline without variants.
    record.variants = [null];
    record.nodes = Object.fromEntries(
      Object.values(record.nodes).map((node) => [
        node.name,
        { ...node, id: node.name, variant: null },
      ]),
    );
    await writeFile(
      path.join(store, 'runs', 'plain.json'),
      JSON.stringify(record),
    );

    const table = JSON.parse(
      await runCompareCommand({ target: 'plain', store, format: 'json' }),
    ) as CompareTable;
    expect(table.rows.map((r) => r.label)).toEqual(['(no variants)']);
    expect(table.paramColumns).toEqual([]);
    expect(table.rows[0].cells[3].mean).toBeCloseTo(0.1, 12);
  });

  it('reports a single variant of several runs', async () => {
    const single = await runCompareCommand({
      target: 'run-b,run-c',
      store: fixture.store,
      format: 'table',
    });
    // run-c's only variant failed, so run-b's single variant remains.
    expect(single).toContain('1 variant (run run-b)');
  });
});

describe('compare with --set overrides', () => {
  const EPOCHS = 'nodes.refined.params.epochs=9';

  // Writes a run of seed 1 with random init, made with `overrides`.
  async function writeOverriddenRun(
    store: string,
    runId: string,
    startedAt: string,
    overrides: string[],
  ): Promise<void> {
    const file = fixture.pipelineFile;
    const record = await writeRun(store, file, runId, startedAt, [
      { seed: 1, init: 'random' },
    ]);
    record.overrides = overrides;
    await writeFile(
      path.join(store, 'runs', `${runId}.json`),
      JSON.stringify(record),
    );
  }

  function compare(store: string, format: string, overrides?: string[]) {
    return runCompareCommand({
      target: fixture.pipelineFile,
      store,
      format,
      overrides,
    });
  }

  it('prefers runs without overrides', async () => {
    const store = path.join(fixture.store, '..', 'with-overrides');
    await writeOverriddenRun(store, 'plain', '2026-04-01T00:00:00.000Z', []);
    await writeOverriddenRun(store, 'tweaked', '2026-04-02T00:00:00.000Z', [
      EPOCHS,
    ]);

    const plain = JSON.parse(await compare(store, 'json')) as CompareTable;
    expect(plain.runIds).toEqual(['plain']);
    expect(plain.overrides).toEqual([]);
    expect(await compare(store, 'table')).not.toContain('overrides:');

    const chosen = JSON.parse(
      await compare(store, 'json', [EPOCHS]),
    ) as CompareTable;
    expect(chosen.runIds).toEqual(['tweaked']);
    expect(chosen.overrides).toEqual([EPOCHS]);
    await expect(compare(store, 'json', ['vars.seed=5'])).rejects.toThrow(
      'No run was made with exactly `--set vars.seed=5`',
    );
  });

  it('names the overrides of the only runs', async () => {
    const store = path.join(fixture.store, '..', 'only-overrides');
    await writeOverriddenRun(store, 'tweaked', '2026-04-02T00:00:00.000Z', [
      EPOCHS,
    ]);
    const table = await compare(store, 'table');
    expect(table).toContain('(run tweaked)\noverrides: --set ' + EPOCHS);
    const markdown = await compare(store, 'markdown');
    expect(markdown).toContain(`overrides: --set ${EPOCHS}`);
  });
});

/** Splits a CSV line whose quoted fields contain no quotes. */
function parseCsvLine(line: string): string[] {
  return [...line.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)]
    .filter((m) => m.index! < line.length || m[0] !== '')
    .map((m) => m[2] ?? m[1]);
}
