import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunnerRig, type TestNode } from './fixtures/runner-rig.js';
import { readRunRecords } from '../src/runner/index.js';

let rig: RunnerRig;

beforeEach(async () => {
  rig = await RunnerRig.create();
});

afterEach(async () => {
  await rig.cleanup();
});

function chain(offset = 1, value = 2): TestNode[] {
  return [
    { name: 'one', type: 'fake-source', params: { value: 1 } },
    { name: 'two', type: 'fake-source', params: { value } },
    {
      name: 'sum',
      type: 'fake-add',
      params: { offset },
      inputs: { a: 'one', rest: ['two'] },
    },
    {
      name: 'total',
      type: 'fake-add',
      params: { offset: 0 },
      inputs: { a: 'sum' },
    },
  ];
}

function statuses(record: { nodes: Record<string, { status: string }> }) {
  return Object.fromEntries(
    Object.entries(record.nodes).map(([id, node]) => [id, node.status]),
  );
}

describe('runner caching', () => {
  it('runs every node once, then finds them all cached', async () => {
    const first = await rig.run(chain());
    expect(first.status).toBe('succeeded');
    expect(statuses(first.record)).toEqual({
      one: 'ran',
      two: 'ran',
      sum: 'ran',
      total: 'ran',
    });
    expect(first.record.nodes.total.metrics).toEqual({ sum: 4 });

    const second = await rig.run(chain());
    expect(second.status).toBe('succeeded');
    expect(statuses(second.record)).toEqual({
      one: 'cached',
      two: 'cached',
      sum: 'cached',
      total: 'cached',
    });
    expect(second.counts).toEqual({
      ran: 0,
      cached: 4,
      failed: 0,
      cancelled: 0,
      skipped: 0,
    });
    expect(second.record.nodes.total.key).toBe(first.record.nodes.total.key);
    expect(second.record.nodes.total.metrics).toEqual({ sum: 4 });

    const records = await readRunRecords(rig.store);
    expect(records.map((record) => record.id)).toEqual([
      second.record.id,
      first.record.id,
    ]);
  });

  it('re-runs only a changed node and its descendants', async () => {
    await rig.run(chain(1));
    const second = await rig.run(chain(5));
    expect(statuses(second.record)).toEqual({
      one: 'cached',
      two: 'cached',
      sum: 'ran',
      total: 'ran',
    });
    expect(second.record.nodes.total.metrics).toEqual({ sum: 8 });
  });

  it('keeps a descendant cached when its input is rebuilt identically', async () => {
    await rig.run(chain(1, 2));
    // `two` changes and `sum` re-runs, but 1 + 3 + 0 = 1 + 2 + 1 gives the
    // same file, so `total` keeps its key.
    const nodes = chain(0, 3);
    const second = await rig.run(nodes);
    expect(statuses(second.record)).toEqual({
      one: 'cached',
      two: 'ran',
      sum: 'ran',
      total: 'cached',
    });
  });

  it('re-runs nothing when params are written in another order', async () => {
    const nodes: TestNode[] = [
      {
        name: 'b',
        type: 'fake-barrier',
        params: {
          barrier: join(rig.root, 'b'),
          name: 'x',
          expect: 1,
          timeoutMs: 5000,
        },
      },
    ];
    await rig.run(nodes);
    const reordered: TestNode[] = [
      {
        name: 'b',
        type: 'fake-barrier',
        params: {
          timeoutMs: 5000,
          expect: 1,
          name: 'x',
          barrier: join(rig.root, 'b'),
        },
      },
    ];
    const second = await rig.run(reordered);
    expect(statuses(second.record)).toEqual({ b: 'cached' });
  });

  it('re-runs a node when its data file changes but not when touched', async () => {
    await rig.writeData('input.csv', 'a,b\n');
    const nodes: TestNode[] = [
      {
        name: 'load',
        type: 'fake-source',
        params: { value: 1, file: 'input.csv' },
      },
    ];
    const first = await rig.run(nodes);
    expect(Object.keys(first.record.nodes.load.keyFields!.files)).toEqual([
      '$data/input.csv',
    ]);

    await rig.writeData('input.csv', 'a,b\n');
    expect(statuses((await rig.run(nodes)).record)).toEqual({ load: 'cached' });

    await rig.writeData('input.csv', 'a,b\n1,2\n');
    const planned = await rig.plan(nodes);
    expect(planned.nodes[0].reasons).toEqual(['file changed: $data/input.csv']);
    expect(statuses((await rig.run(nodes)).record)).toEqual({ load: 'ran' });
  });

  it('re-runs a node when a declared environment variable changes', async () => {
    const nodes: TestNode[] = [
      { name: 'one', type: 'fake-source', params: { value: 1 } },
    ];
    await rig.run(nodes);
    process.env.FAKE_SOURCE_SALT = '0';
    try {
      const planned = await rig.plan(nodes);
      expect(planned.nodes[0].reasons).toEqual([
        'environment changed: FAKE_SOURCE_SALT',
      ]);
      expect(statuses((await rig.run(nodes)).record)).toEqual({ one: 'ran' });
    } finally {
      delete process.env.FAKE_SOURCE_SALT;
    }
  });

  it('recomputes a tampered artifact', async () => {
    const first = await rig.run(chain());
    const key = first.record.nodes.two.key;
    await writeFile(join(rig.store.layout.objects, key, 'value.txt'), '999');

    const second = await rig.run(chain());
    expect(statuses(second.record)).toEqual({
      one: 'cached',
      two: 'ran',
      sum: 'cached',
      total: 'cached',
    });
    expect(await readdir(rig.store.layout.quarantine)).toHaveLength(1);
    expect(second.record.nodes.total.metrics).toEqual({ sum: 4 });
  });

  it('reports checkpoints left for a node', async () => {
    const nodes: TestNode[] = [
      { name: 'one', type: 'fake-source', params: { value: 1 } },
    ];
    const key = (await rig.plan(nodes)).nodes[0].key!;
    await writeFile(join(await rig.store.workDir(key), 'epoch-2.ckpt'), '');
    await rig.run(nodes);
    const log = rig.events.find(
      (event) => event.kind === 'log' && event.message.startsWith('Found'),
    );
    expect(log).toMatchObject({
      nodeId: 'one',
      message: `Found 1 file(s) from an interrupted attempt in ${join(
        rig.store.layout.work,
        key,
      )}; the node may resume from them.`,
    });
    expect(await readdir(rig.store.layout.work)).toEqual([]);
  });

  it('emits events in order for a node that runs', async () => {
    await rig.run([{ name: 'one', type: 'fake-source', params: { value: 1 } }]);
    const kinds = rig.events.map((event) => event.kind);
    expect(kinds[0]).toBe('run-started');
    expect(kinds.at(-1)).toBe('run-finished');
    expect(kinds.indexOf('node-queued')).toBeLessThan(
      kinds.indexOf('node-started'),
    );
    expect(kinds.indexOf('node-started')).toBeLessThan(
      kinds.indexOf('node-finished'),
    );
    const log = rig.events.find((event) => event.kind === 'log');
    expect(log).toMatchObject({
      nodeId: 'one',
      level: 'info',
      message: 'source written',
    });
  });
});
