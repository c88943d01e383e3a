import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cliFolder,
  distillery,
  FAKE_TYPES,
  writePipeline,
} from './cli-helpers.js';

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
    expect(verify.stderr).toMatch(/^error: The store has 1 invalid entries/);
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
