import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeType } from '../src/nodes/node-type.js';
import { clearFingerprintCache } from '../src/hashing/index.js';
import { plan, run } from '../src/runner/index.js';
import { lockPath } from '../src/store/index.js';
import { fakeSource } from './fixtures/fake-node-types.js';
import { RunnerRig, type TestNode } from './fixtures/runner-rig.js';
import { deadPid } from './store-helpers.js';

let rig: RunnerRig;

afterEach(async () => {
  await rig.cleanup();
});

function summary(planned: Awaited<ReturnType<RunnerRig['plan']>>) {
  return planned.nodes.map((node) => [node.id, node.status, node.reasons]);
}

describe('plan', () => {
  beforeEach(async () => {
    rig = await RunnerRig.create();
  });

  const nodes = (lr: number, value = 1): TestNode[] => [
    { name: 'data', type: 'fake-source', params: { value } },
    {
      name: 'train',
      type: 'fake-add',
      params: { offset: lr },
      inputs: { a: 'data' },
    },
    {
      name: 'eval',
      type: 'fake-add',
      params: { offset: 0 },
      inputs: { a: 'train' },
    },
  ];

  it('says every node has no artifact before the first run', async () => {
    const planned = await rig.plan(nodes(0.001));
    expect(summary(planned)).toEqual([
      ['data', 'run', ['no artifact']],
      ['train', 'run', ['upstream will run: data']],
      ['eval', 'run', ['upstream will run: train']],
    ]);
    expect(planned.nodes[0].key).toMatch(/^[0-9a-f]{64}$/);
    expect(planned.nodes[1].key).toBeNull();
  });

  it('names the changed param with old and new values', async () => {
    await rig.run(nodes(0.001));
    const planned = await rig.plan(nodes(0.002));
    expect(summary(planned)).toEqual([
      ['data', 'cached', []],
      ['train', 'run', ['params changed: offset 0.001 -> 0.002']],
      ['eval', 'run', ['upstream will run: train']],
    ]);
    expect(planned.executions).toBe(2);
  });

  it('names a changed input when the upstream is cached', async () => {
    await rig.run(nodes(0.001, 1));
    await rig.run(nodes(0.001, 2));
    // The last record has data=2; go back to data=1, whose artifact exists.
    const planned = await rig.plan(nodes(0.001, 1));
    expect(summary(planned)).toEqual([
      ['data', 'cached', []],
      ['train', 'cached', []],
      ['eval', 'cached', []],
    ]);
    await rig.store.quarantine(planned.nodes[1].key!);
    const again = await rig.plan(nodes(0.001, 1));
    expect(again.nodes[1].reasons).toEqual(['input changed: a']);
  });

  it('warns about a damaged artifact it sets aside', async () => {
    const first = await rig.run(nodes(0.001));
    const key = first.record.nodes.train.key;
    await writeFile(join(rig.store.root, 'objects', key, 'value.txt'), '9');
    const again = await rig.run(nodes(0.001));
    expect(again.record.nodes.train.status).toBe('ran');
    expect(again.plan.nodes[1].reasons).toEqual([
      expect.stringContaining('damaged artifact moved to quarantine: file'),
    ]);
    const warnings = rig.events.filter(
      (event) => event.kind === 'log' && event.level === 'warn',
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ nodeId: 'train' });
    const message = (warnings[0] as { message: string }).message;
    expect(message).toContain(`key ${key}`);
    expect(message).toContain('`value.txt`');
  });

  it('says no artifact when the key is unchanged but the artifact is gone', async () => {
    const first = await rig.run(nodes(0.001));
    await rig.store.quarantine(first.record.nodes.eval.key as never);
    const planned = await rig.plan(nodes(0.001));
    expect(summary(planned)[2]).toEqual(['eval', 'run', ['no artifact']]);
  });
});

describe('plan of a copied pipeline file', () => {
  beforeEach(async () => {
    rig = await RunnerRig.create();
  });

  const nodes = (offset: number): TestNode[] => [
    { name: 'data', type: 'fake-source', params: { value: 1 } },
    {
      name: 'train',
      type: 'fake-add',
      params: { offset },
      inputs: { a: 'data' },
    },
  ];

  function planAt(file: string, offset: number) {
    const resolved = rig.resolve(nodes(offset));
    resolved.spec.file = join(rig.root, file);
    return plan(resolved, rig.options());
  }

  it('names changes from a record of another path', async () => {
    await rig.run(nodes(0.001));
    const planned = await planAt('copy.yaml', 0.002);
    expect(summary(planned)).toEqual([
      ['data', 'cached', []],
      ['train', 'run', ['params changed: offset 0.001 -> 0.002']],
    ]);
  });

  it('prefers records of the same path', async () => {
    await rig.run(nodes(0.001));
    const copy = rig.resolve(nodes(0.003));
    copy.spec.file = join(rig.root, 'copy.yaml');
    await run(copy, rig.options());
    const original = await rig.plan(nodes(0.002));
    expect(original.nodes[1].reasons).toEqual([
      'params changed: offset 0.001 -> 0.002',
    ]);
  });
});

describe('plan with a custom type module', () => {
  let moduleDir: string;
  let customType: NodeType;

  beforeEach(async () => {
    moduleDir = await mkdtemp(join(tmpdir(), 'distillery-custom-type-'));
    const modulePath = join(moduleDir, 'custom-type.ts');
    const helperPath = join(moduleDir, 'custom-helper.ts');
    await writeFile(helperPath, 'export const factor = 2;\n');
    await writeFile(
      modulePath,
      [
        "import { writeFile } from 'node:fs/promises';",
        "import { join } from 'node:path';",
        "import { factor } from './custom-helper.js';",
        'export const customType = {',
        "  name: 'custom', version: '1', description: 'Custom.', params: {},",
        "  inputs: {}, output: 'number', module: import.meta.url,",
        '  async run(context: { outDir: string }) {',
        "    await writeFile(join(context.outDir, 'value.txt'), String(factor));",
        '    return { metrics: { factor } };',
        '  },',
        '};',
      ].join('\n'),
    );
    customType = {
      ...fakeSource,
      name: 'custom',
      version: '1',
      module: modulePath,
    };
    rig = await RunnerRig.create([customType]);
    clearFingerprintCache();
  });

  afterEach(async () => {
    await rm(moduleDir, { recursive: true, force: true });
  });

  it('loads the type in the worker and re-runs when its import changes', async () => {
    const nodes: TestNode[] = [{ name: 'c', type: 'custom' }];
    const first = await rig.run(nodes);
    expect(first.record.nodes.c.metrics).toEqual({ factor: 2 });

    await writeFile(
      join(moduleDir, 'custom-helper.ts'),
      'export const factor = 3;\n',
    );
    clearFingerprintCache();
    const planned = await rig.plan(nodes);
    expect(summary(planned)).toEqual([
      ['c', 'run', ['implementation changed']],
    ]);
    const second = await rig.run(nodes);
    expect(second.record.nodes.c.status).toBe('ran');
    expect(second.record.nodes.c.metrics).toEqual({ factor: 3 });
  });

  it('says the type version changed', async () => {
    const nodes: TestNode[] = [{ name: 'c', type: 'custom' }];
    await rig.run(nodes);
    rig.registry.set('custom', { ...customType, version: '2' });
    const planned = await rig.plan(nodes);
    expect(summary(planned)).toEqual([
      ['c', 'run', ['type version changed: 1 -> 2']],
    ]);
  });
});

describe('runner locks', () => {
  beforeEach(async () => {
    rig = await RunnerRig.create();
  });

  it('steals the lock of a dead process and runs the node', async () => {
    const nodes: TestNode[] = [
      { name: 'one', type: 'fake-source', params: { value: 1 } },
    ];
    const key = (await rig.plan(nodes)).nodes[0].key!;
    await rig.store.init();
    const owner = {
      pid: deadPid(),
      hostname: hostname(),
      startedAt: '2026-01-01T00:00:00Z',
    };
    await writeFile(
      lockPath(rig.store.layout.locks, key),
      JSON.stringify(owner),
    );

    const result = await rig.run(nodes);
    expect(result.record.nodes.one.status).toBe('ran');
  });
});
