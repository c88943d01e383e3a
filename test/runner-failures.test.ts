import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventOf } from '../src/events/events.js';
import { arrived } from './fixtures/fake-node-types.js';
import { RunnerRig, type TestNode } from './fixtures/runner-rig.js';

let rig: RunnerRig;

beforeEach(async () => {
  rig = await RunnerRig.create();
});

afterEach(async () => {
  await rig.cleanup();
});

function failedEvent(nodeId: string): EventOf<'node-failed'> | undefined {
  return rig.events.find(
    (event): event is EventOf<'node-failed'> =>
      event.kind === 'node-failed' && event.nodeId === nodeId,
  );
}

async function waitFor(
  condition: () => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('runner failures', () => {
  it.each([
    ['exit', 'NODE_CRASHED', "The node's process exited with code 137."],
    [
      'kill',
      'NODE_CRASHED',
      "The node's process was killed by SIGKILL (the system may be out of memory).",
    ],
    ['throw', 'FAKE_FAILURE', 'fake failure'],
  ])(
    'reports a child that fails by %s and runs the others',
    async (mode, code, message) => {
      const nodes: TestNode[] = [
        { name: 'bad', type: 'fake-crash', params: { mode } },
        { name: 'after-bad', type: 'fake-add', inputs: { a: 'bad' } },
        { name: 'good', type: 'fake-source', params: { value: 3 } },
      ];
      const result = await rig.run(nodes);
      expect(result.status).toBe('failed');
      expect(result.record.status).toBe('failed');
      expect(result.record.nodes.bad.status).toBe('failed');
      expect(result.record.nodes['after-bad'].status).toBe('skipped');
      expect(result.record.nodes.good.status).toBe('ran');

      const failed = failedEvent('bad');
      expect(failed?.error.code).toBe(code);
      expect(failed?.error.message).toBe(message);
      if (mode === 'exit')
        expect(failed?.error.detail).toContain('about to exit with 137');
      if (mode === 'throw')
        expect(failed?.error.detail).toContain('fake-node-types.ts');
      expect(result.record.nodes.bad.error?.code).toBe(code);

      expect(await readdir(rig.store.layout.objects)).toEqual([
        result.record.nodes.good.key,
      ]);
      expect(await readdir(rig.store.layout.tmp)).toEqual([]);
    },
  );

  it('reports a child that runs out of memory', async () => {
    const previous = process.env.NODE_OPTIONS;
    // Workers inherit the environment, so this caps only their heap.
    process.env.NODE_OPTIONS = '--max-old-space-size=96';
    try {
      const result = await rig.run([
        { name: 'hog', type: 'fake-crash', params: { mode: 'oom' } },
      ]);
      expect(result.record.nodes.hog.status).toBe('failed');
      expect(failedEvent('hog')?.error.code).toBe('NODE_OUT_OF_MEMORY');
      expect(failedEvent('hog')?.error.detail).toMatch(/heap out of memory/i);
    } finally {
      if (previous === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = previous;
    }
  });

  it('fails only the node whose store write fails', async () => {
    const workDir = rig.store.workDir.bind(rig.store);
    let calls = 0;
    rig.store.workDir = async (key) => {
      calls += 1;
      if (calls === 1) {
        throw Object.assign(new Error('no space left'), { code: 'ENOSPC' });
      }

      return workDir(key);
    };
    const result = await rig.run([
      { name: 'first', type: 'fake-source', params: { value: 1 } },
      { name: 'second', type: 'fake-source', params: { value: 2 } },
    ]);
    expect(result.status).toBe('failed');
    expect(result.record.nodes.first.status).toBe('failed');
    expect(failedEvent('first')?.error.code).toBe('ENOSPC');
    expect(result.record.nodes.second.status).toBe('ran');
    expect(await readdir(rig.store.layout.tmp)).toEqual([]);
  });

  it('reports a data file that is missing', async () => {
    const result = await rig.run([
      {
        name: 'load',
        type: 'fake-source',
        params: { value: 1, file: 'absent.csv' },
      },
    ]);
    expect(result.status).toBe('failed');
    expect(failedEvent('load')?.error.code).toBe('FILE_DEPENDENCY_MISSING');
    expect(failedEvent('load')?.error.message).toContain('absent.csv');
  });

  it('cancels cleanly and keeps no partial artifact', async () => {
    const barrier = join(rig.root, 'barrier');
    const controller = new AbortController();
    const nodes: TestNode[] = [
      { name: 'done', type: 'fake-source', params: { value: 1 } },
      {
        name: 'stuck',
        type: 'fake-barrier',
        params: { barrier, name: 'stuck', expect: 2 },
      },
      { name: 'later', type: 'fake-add', inputs: { a: 'stuck' } },
    ];
    const pending = rig.run(nodes, { signal: controller.signal });
    await waitFor(() => arrived(barrier, 'stuck'));
    controller.abort('user');
    const result = await pending;

    expect(result.status).toBe('cancelled');
    expect(result.record.status).toBe('cancelled');
    expect(result.record.nodes.done.status).toBe('ran');
    expect(result.record.nodes.stuck.status).toBe('cancelled');
    expect(result.record.nodes.later.status).toBe('skipped');

    const stopping = rig.events.find((event) => event.kind === 'run-stopping');
    expect(stopping).toMatchObject({ reason: 'user' });
    expect((stopping as EventOf<'run-stopping'>).message).toContain(
      'cancelling 1 running node',
    );

    const stopped = rig.events.find(
      (event) => event.kind === 'node-failed' && event.nodeId === 'stuck',
    );
    expect((stopped as EventOf<'node-failed'>).error.code).toBe(
      'NODE_CANCELLED',
    );

    const stuckKey = result.record.nodes.stuck.key;
    expect(await readdir(rig.store.layout.objects)).toEqual([
      result.record.nodes.done.key,
    ]);
    expect(await readdir(rig.store.layout.tmp)).toEqual([]);
    expect(await readdir(join(rig.store.layout.work, stuckKey))).toEqual([
      'checkpoint.txt',
    ]);
    expect(await readdir(rig.store.layout.locks)).toEqual([]);
  });

  it(
    'kills a node that ignores cancellation',
    { timeout: 30_000 },
    async () => {
      const controller = new AbortController();
      const pending = rig.run(
        [{ name: 'hang', type: 'fake-crash', params: { mode: 'hang' } }],
        {
          signal: controller.signal,
        },
      );
      await waitFor(() =>
        rig.events.some((event) => event.kind === 'node-started'),
      );
      controller.abort();
      const result = await pending;
      expect(result.record.nodes.hang.status).toBe('cancelled');
      expect(
        rig.events.find((event) => event.kind === 'run-stopping'),
      ).toMatchObject({
        reason: 'signal',
      });
      expect(await readdir(rig.store.layout.objects)).toEqual([]);
    },
  );
});

describe('runner concurrency', () => {
  it('runs independent nodes at once with two jobs', async () => {
    const barrier = join(rig.root, 'barrier');
    const nodes: TestNode[] = [
      {
        name: 'left',
        type: 'fake-barrier',
        params: { barrier, name: 'left', expect: 2 },
      },
      {
        name: 'right',
        type: 'fake-barrier',
        params: { barrier, name: 'right', expect: 2 },
      },
    ];
    const result = await rig.run(nodes, { jobs: 2 });
    expect(result.status).toBe('succeeded');
    expect(result.counts.ran).toBe(2);
  });

  it('runs one node at a time with one job', async () => {
    const barrier = join(rig.root, 'barrier');
    const nodes: TestNode[] = [
      {
        name: 'left',
        type: 'fake-barrier',
        params: { barrier, name: 'left', expect: 2, timeoutMs: 300 },
      },
      {
        name: 'right',
        type: 'fake-barrier',
        params: { barrier, name: 'right', expect: 2, timeoutMs: 300 },
      },
    ];
    const result = await rig.run(nodes, { jobs: 1 });
    expect(result.record.nodes.left.status).toBe('failed');
    expect(failedEvent('left')?.error.message).toContain('barrier timed out');
    // `right` started after `left` ended, so it found both arrivals.
    expect(result.record.nodes.right.status).toBe('ran');
  });

  it('executes equal keys of different variants once', async () => {
    const nodes: TestNode[] = [
      { name: 'one', type: 'fake-source', params: { value: 1 }, variant: 'a' },
      {
        name: 'sum',
        type: 'fake-add',
        params: { offset: 1 },
        inputs: { a: 'one' },
        variant: 'a',
      },
      { name: 'one', type: 'fake-source', params: { value: 1 }, variant: 'b' },
      {
        name: 'sum',
        type: 'fake-add',
        params: { offset: 2 },
        inputs: { a: 'one' },
        variant: 'b',
      },
    ];
    const resolved = rig.resolve(nodes, ['a', 'b']);
    const { plan, run } = await import('../src/runner/index.js');
    const planned = await plan(resolved, rig.options());
    expect(planned.executions).toBe(3);
    expect(planned.executionsWithoutSharing).toBe(4);
    expect(planned.nodes.find((node) => node.id === 'one@b')?.sharedWith).toBe(
      'one@a',
    );

    const result = await run(resolved, rig.options({ jobs: 2 }));
    expect(result.counts).toMatchObject({ ran: 3, cached: 1 });
    expect(result.record.nodes['one@a'].key).toBe(
      result.record.nodes['one@b'].key,
    );
    const started = rig.events.filter((event) => event.kind === 'node-started');
    expect(started).toHaveLength(3);
  });
});
