import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/events/events.js';
import type { RunRecord } from '../src/runner/run-record.js';
import {
  cliFolder,
  distillery,
  FAKE_TYPES,
  startDistillery,
  writePipeline,
} from './cli-helpers.js';

const PIPELINE = `name: demo
# A comment that does not change anything.
nodes:
  one:
    type: fake-source
    params:
      value: 1
  two:
    type: fake-source
    params: { value: 2 }
  sum:
    type: fake-add
    params:
      offset: 3
    inputs:
      a: one
      rest: [two]
`;

const REORDERED = `# The same pipeline, keys and comments moved around.
nodes:
  sum:
    inputs:
      rest: [two]
      a: one
    params: { offset: 3 }
    type: fake-add
  two: { params: { value: 2 }, type: fake-source }
  one:
    params:
      value: 1   # one
    type: fake-source
name: demo
`;

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await cliFolder());
});

afterEach(async () => {
  await cleanup();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function latestRecord(): Promise<RunRecord> {
  const runs = (await readdir(join(dir, 'artifacts', 'runs'))).sort();
  return JSON.parse(
    await readFile(join(dir, 'artifacts', 'runs', runs.at(-1)!), 'utf8'),
  );
}

describe('distillery run', () => {
  it('runs, then reuses everything after a reorder', async () => {
    const file = await writePipeline(dir, PIPELINE);
    const first = await distillery(dir, [
      'run',
      file,
      '--ui',
      'plain',
      '--node-types',
      FAKE_TYPES,
    ]);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^done +sum in .*: sum 6$/m);
    expect(first.stdout).toMatch(/succeeded in .*: 3 ran$/m);

    await writeFile(file, REORDERED);
    const second = await distillery(dir, [
      'run',
      file,
      '--ui',
      'plain',
      '--node-types',
      FAKE_TYPES,
    ]);
    expect(second.exitCode).toBe(0);
    const record = await latestRecord();
    expect(Object.values(record.nodes).map((node) => node.status)).toEqual([
      'cached',
      'cached',
      'cached',
    ]);
    expect(record.status).toBe('succeeded');
  });

  it('draws the Ink UI from any folder', async () => {
    const file = await writePipeline(dir, PIPELINE);
    const result = await distillery(dir, [
      'run',
      file,
      '--ui',
      'ink',
      '--node-types',
      FAKE_TYPES,
    ]);
    expect(result.stderr).not.toContain('React is not defined');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Run succeeded');
  });

  it('writes only schema-valid JSON events with --ui json', async () => {
    const schema = JSON.parse(
      await readFile('docs/events.schema.json', 'utf8'),
    );
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
      schema,
    );
    const file = await writePipeline(dir, PIPELINE);
    const result = await distillery(dir, [
      'run',
      file,
      '--ui',
      'json',
      '--node-types',
      FAKE_TYPES,
      '--set',
      'nodes.one.params.value=5',
    ]);
    expect(result.exitCode).toBe(0);

    const events = result.stdout
      .split('\n')
      .map((line) => JSON.parse(line) as RunEvent);
    for (const event of events) {
      const valid = validate(event);
      expect(
        validate.errors ?? [],
        `${event.kind}: ${JSON.stringify(validate.errors)}`,
      ).toEqual([]);
      expect(valid).toBe(true);
    }

    const kinds = new Set(events.map((event) => event.kind));
    for (const kind of [
      'run-started',
      'node-queued',
      'node-started',
      'progress',
      'log',
      'metric',
      'node-finished',
      'run-finished',
    ]) {
      expect(kinds.has(kind as RunEvent['kind'])).toBe(true);
    }

    expect(events.at(-1)).toMatchObject({
      kind: 'run-finished',
      status: 'succeeded',
    });
    expect((await latestRecord()).overrides).toEqual([
      'nodes.one.params.value=5',
    ]);
  });

  it('rejects an event that breaks the schema', async () => {
    const schema = JSON.parse(
      await readFile('docs/events.schema.json', 'utf8'),
    );
    const validate = new Ajv2020({ strict: true }).compile(schema);
    const event = {
      kind: 'node-failed',
      time: '2026-01-01T00:00:00Z',
      nodeId: 'a',
      key: '',
      durationMs: 1,
    };
    expect(validate(event)).toBe(false);
  });

  it('stops on Ctrl-C, exits 130 and records the run as cancelled', async () => {
    const barrier = join(dir, 'barrier');
    const file = await writePipeline(
      dir,
      `name: stuck\nnodes:\n  wait:\n    type: fake-barrier\n    params: { barrier: ${barrier}, name: wait, expect: 2 }\n`,
    );
    // A process group of its own, so the signal reaches the CLI and its
    // workers together, as Ctrl-C in a terminal does.
    const child = startDistillery(
      dir,
      ['run', file, '--ui', 'plain', '--node-types', FAKE_TYPES],
      {
        detached: true,
      },
    );
    const deadline = Date.now() + 60_000;
    while (
      !(await readdir(barrier).catch((): string[] => [])).includes(
        'wait.arrived',
      )
    ) {
      if (Date.now() > deadline) throw new Error('the node never started');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    process.kill(-child.pid!, 'SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stdout).toMatch(
      /^stopping Stopping: cancelling 1 running node/m,
    );
    const record = await latestRecord();
    expect(record.status).toBe('cancelled');
    expect(record.nodes.wait.status).toBe('cancelled');
    // The worker ignored the group's SIGINT and stopped through its signal.
    expect(await readdir(barrier)).toContain('wait.cancelled');
    expect(await readdir(join(dir, 'artifacts', 'objects'))).toEqual([]);
    expect(await readdir(join(dir, 'artifacts', 'tmp'))).toEqual([]);
  });

  it('ends workers when the CLI is killed', async () => {
    const file = await writePipeline(
      dir,
      'name: hang\nnodes:\n  h:\n    type: fake-crash\n    params: { mode: hang }\n',
    );
    const child = startDistillery(dir, [
      'run',
      file,
      '--ui',
      'json',
      '--node-types',
      FAKE_TYPES,
    ]);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    // Wait until the node runs (it logs `hanging`), not only until its
    // process exists: a worker killed while still loading would end by
    // itself and prove nothing.
    while (!output.includes('"message":"hanging"')) {
      if (Date.now() > deadline) throw new Error('the node never started');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const started = output
      .split('\n')
      .filter((line) => line.includes('"node-started"'))
      .map((line) => JSON.parse(line) as { pid: number });
    const workerPid = started[0].pid;
    child.kill('SIGKILL');
    await child;
    const gone = Date.now() + 20_000;
    while (isAlive(workerPid)) {
      if (Date.now() > gone) {
        process.kill(workerPid, 'SIGKILL');
        throw new Error(`worker ${workerPid} outlived the CLI`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('exits 1 with a failed node and prints its error', async () => {
    const file = await writePipeline(
      dir,
      'name: bad\nnodes:\n  boom:\n    type: fake-crash\n    params: { mode: throw }\n',
    );
    const result = await distillery(dir, [
      'run',
      file,
      '--ui',
      'plain',
      '--node-types',
      FAKE_TYPES,
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /^failed +boom after .*: fake failure \[FAKE_FAILURE\]$/m,
    );
    expect(result.stderr).toBe('');
  });
});
