import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/runner/index.js';
import {
  cliFolder,
  distillery,
  FAKE_TYPES,
  writePipeline,
} from './cli-helpers.js';
import { deadPid } from './store-helpers.js';

const PIPELINE = `name: demo
nodes:
  data:
    type: fake-source
    params: { value: 1 }
  train:
    type: fake-add
    params: { offset: 0.001 }
    inputs: { a: data }
`;

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await cliFolder());
});

afterEach(async () => {
  await cleanup();
});

describe('distillery commands', () => {
  it('plan, runs, show, gc and verify read one store', async () => {
    const file = await writePipeline(dir, PIPELINE);
    const types = ['--node-types', FAKE_TYPES];
    expect(
      (await distillery(dir, ['run', file, '--ui', 'plain', ...types]))
        .exitCode,
    ).toBe(0);

    const result = await distillery(dir, [
      'plan',
      file,
      '--json',
      '--set',
      'nodes.train.params.offset=0.002',
      ...types,
    ]);
    expect(result.exitCode).toBe(0);
    const planned = JSON.parse(result.stdout);
    expect(planned.executions).toBe(1);
    expect(planned.nodes).toEqual([
      {
        node: 'data',
        variant: null,
        key: expect.stringMatching(/^[0-9a-f]{64}$/),
        status: 'cached',
        reasons: [],
      },
      {
        node: 'train',
        variant: null,
        key: expect.stringMatching(/^[0-9a-f]{64}$/),
        status: 'run',
        reasons: ['params changed: offset 0.001 -> 0.002'],
      },
    ]);

    const records = JSON.parse(
      (await distillery(dir, ['runs', '--json'])).stdout,
    );
    expect(records[0].host).toBe(hostname());
    expect(records[0].pid).toEqual(expect.any(Number));
    const runs = await distillery(dir, ['runs']);
    expect(runs.stdout).toMatch(
      /^\d{8}-\d{6}-[0-9a-f]{4} +succeeded +demo +2 ran/m,
    );
    const show = await distillery(dir, ['show', 'latest']);
    expect(show.stdout).toMatch(/^train +fake-add +ran +[0-9a-f]{12} /m);

    // Without run records, only a pipeline named on the command line keeps
    // its artifacts.
    const runsDir = join(dir, 'artifacts', 'runs');
    for (const name of await readdir(runsDir)) await rm(join(runsDir, name));
    const keptByPlan = await distillery(dir, [
      'gc',
      '--dry-run',
      file,
      ...types,
    ]);
    expect(keptByPlan.exitCode).toBe(0);
    expect(keptByPlan.stdout).toContain('Would free 0 B: 0 artifacts');
    const unkept = await distillery(dir, ['gc', '--dry-run']);
    expect(unkept.stdout.match(/^would remove [0-9a-f]{64}$/gm)).toHaveLength(
      2,
    );

    const objects = await readdir(join(dir, 'artifacts', 'objects'));
    await writeFile(
      join(dir, 'artifacts', 'objects', objects[0], 'value.txt'),
      'tampered',
    );
    const verify = await distillery(dir, ['verify']);
    expect(verify.exitCode).toBe(1);
    expect(verify.stdout).toContain(
      `invalid  ${objects[0]}: file \`value.txt\``,
    );
    expect(verify.stdout).toContain('1 valid artifact, 1 problem.');
    expect(verify.stderr).toMatch(/^error: The store has 1 invalid entry\./);

    // plan sets the damaged artifact aside and says so; gc then removes it.
    const replan = await distillery(dir, ['plan', file, ...types]);
    expect(replan.stdout).toContain(
      'damaged artifact moved to quarantine: file `value.txt`',
    );
    const note = `^note: The cached artifact of \`\\w+\` \\(key ${objects[0]}\\)`;
    expect(replan.stdout).toMatch(new RegExp(note, 'm'));
    // The damaged artifact is `data`'s or `train`'s, in key order.
    expect(replan.stdout).toMatch(
      /^2 nodes: (1 cached, 1 to run in 1 execution|0 cached, 2 to run in 2 executions)\.$/m,
    );
    const quarantine = join(dir, 'artifacts', 'quarantine');
    expect(await readdir(quarantine)).toHaveLength(1);
    const gc = await distillery(dir, ['gc']);
    expect(gc.stdout).toContain(', 1 quarantined artifact.');
    expect(gc.stdout).not.toContain('Freed 0 B');
    expect(await readdir(quarantine)).toEqual([]);
  });

  it('renders a pipeline error and exits 2', async () => {
    const file = await writePipeline(
      dir,
      'name: demo\nnodes:\n  data:\n    type: no-such-type\n',
    );
    const result = await distillery(dir, ['plan', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/pipeline\.yaml:4:11: error: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports an unknown run in one line', async () => {
    const result = await distillery(dir, ['show', 'nothing']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'error: No run matches `nothing`: run `distillery runs` to list the run ids.',
    );
  });

  it('lists the runs of an ambiguous prefix', async () => {
    await writeRecord(dir, fakeRecord('20261204-101500-aaaa'));
    await writeRecord(dir, fakeRecord('20261204-101500-aabb'));
    const result = await distillery(dir, ['show', '20261204-101500-aa']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('`20261204-101500-aa` is ambiguous');
    expect(result.stderr).toContain(
      '(20261204-101500-aabb, 20261204-101500-aaaa)',
    );
    expect(result.stderr).not.toContain('No run matches');
    const unique = await distillery(dir, ['show', '20261204-101500-aab']);
    expect(unique.exitCode).toBe(0);
  });

  it('shows a run whose runner died as interrupted', async () => {
    const running = {
      status: 'running' as const,
      endedAt: null,
      host: hostname(),
    };
    await writeRecord(
      dir,
      fakeRecord('20261204-101500-dead', { ...running, pid: deadPid() }),
    );
    await writeRecord(
      dir,
      fakeRecord('20261204-101600-live', { ...running, pid: process.pid }),
    );
    const records = JSON.parse(
      (await distillery(dir, ['runs', '--json'])).stdout,
    );
    expect(records[0].host).toBe(hostname());
    expect(records[0].pid).toEqual(expect.any(Number));
    const runs = await distillery(dir, ['runs']);
    expect(runs.stdout).toMatch(/^20261204-101500-dead +interrupted +demo/m);
    expect(runs.stdout).toMatch(/^20261204-101600-live +running +demo/m);
    const show = await distillery(dir, ['show', '20261204-101500-dead']);
    expect(show.stdout).toContain('status    interrupted');
    const json = await distillery(dir, ['runs', '--json']);
    const statuses = JSON.parse(json.stdout).map(
      (record: RunRecord) => record.status,
    );
    expect(statuses).toEqual(['running', 'interrupted']);
  });

  it('lists node types with their params', async () => {
    const result = await distillery(dir, ['types', '--node-types', FAKE_TYPES]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('fake-add (v1) -> number');
    expect(result.stdout).toContain(
      '    offset (number, default 0): Added to the sum.',
    );
    expect(result.stdout).toContain(
      '    rest (number, list, optional): More numbers.',
    );
  });
});

// A finished run record with no nodes, as the runner writes it.
function fakeRecord(id: string, fields: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    pipeline: 'demo',
    pipelineFile: join(dir, 'pipeline.yaml'),
    variants: [null],
    overrides: [],
    startedAt: '2026-12-04T10:15:00.000Z',
    endedAt: '2026-12-04T10:15:01.000Z',
    status: 'succeeded',
    store: join(dir, 'artifacts'),
    nodes: {},
    ...fields,
  };
}

// Writes `record` where the default store keeps run records.
async function writeRecord(folder: string, record: RunRecord): Promise<void> {
  const runs = join(folder, 'artifacts', 'runs');
  await mkdir(runs, { recursive: true });
  await writeFile(join(runs, `${record.id}.json`), JSON.stringify(record));
}
