/**
 * Several `distillery run` processes on one store: each cache key is
 * executed once, the other process reuses the result, no run record is
 * lost, a lock left by a dead process is taken over, and `gc` keeps what
 * a running process uses.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../bench/reliability/cli-process.js';
import { checkStore } from '../bench/reliability/store-check.js';
import {
  parseEvents,
  readRecords,
  runArgs,
  runPipeline,
  tempFolder,
  TINY_PIPELINE,
  type RecordView,
} from './fixtures/reliability/helpers.js';

const TIMEOUT_MS = 240_000;
const DATA_ONLY = resolve('test/fixtures/reliability/data-only.yaml');

let folder: Awaited<ReturnType<typeof tempFolder>>;
let sharedStore: string;
let firstRecords: RecordView[];

beforeAll(async () => {
  folder = await tempFolder();
  sharedStore = join(folder.dir, 'shared');
});

afterAll(() => folder?.cleanup());

describe('concurrent runs on one store', () => {
  it(
    'two runs execute each key once',
    async () => {
      const first = runPipeline(TINY_PIPELINE, sharedStore);
      const second = runPipeline(TINY_PIPELINE, sharedStore);
      const exits = await Promise.all([first, second]);
      for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);

      firstRecords = await readRecords(sharedStore);
      expect(firstRecords).toHaveLength(2);
      expect(firstRecords.map((record) => record.status)).toEqual([
        'succeeded',
        'succeeded',
      ]);

      const [a, b] = firstRecords;
      for (const id of ['data', 'student', 'evaluate']) {
        expect(b.nodes[id].key).toBe(a.nodes[id].key);
        expect(b.nodes[id].artifactDigest).toBe(a.nodes[id].artifactDigest);
        const statuses = [a.nodes[id].status, b.nodes[id].status].sort();
        expect(statuses, id).toEqual(['cached', 'ran']);
      }

      expect(await readdir(join(sharedStore, 'locks'))).toEqual([]);
      expect(await checkStore(sharedStore)).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it(
    'lock of a dead owner is taken over',
    async () => {
      const store = join(folder.dir, 'dead-lock');
      const dataKey = firstRecords[0].nodes.data.key;
      await mkdir(join(store, 'locks'), { recursive: true });
      await writeFile(
        join(store, 'locks', `${dataKey}.lock`),
        JSON.stringify({
          pid: deadPid(),
          hostname: hostname(),
          startedAt: new Date().toISOString(),
        }),
      );

      const exit = await runPipeline(DATA_ONLY, store);
      expect(exit.code, exit.stderr).toBe(0);
      const [record] = await readRecords(store);
      expect(record.nodes.data.key).toBe(dataKey);
      expect(record.nodes.data.status).toBe('ran');
      expect(await readdir(join(store, 'locks'))).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it(
    'gc keeps artifacts a running process uses',
    async () => {
      const old = firstRecords[0].nodes;
      for (const name of await readdir(join(sharedStore, 'runs'))) {
        await rm(join(sharedStore, 'runs', name));
      }

      // Another seed: the data node is reused, the student trains anew.
      const running = startCli(
        runArgs(TINY_PIPELINE, sharedStore, [
          '--set',
          'nodes.student.params.seed=8',
        ]),
      );
      await waitForEvent(running.stdoutLines, running.exited, 'student');
      // A lock naming the live runner on the old student's key stands for
      // a process that is still reading that artifact.
      const studentLock = join(sharedStore, 'locks', `${old.student.key}.lock`);
      await writeFile(
        studentLock,
        JSON.stringify({
          pid: running.pgid,
          hostname: hostname(),
          startedAt: new Date().toISOString(),
        }),
      );

      const gc = await runCli(['gc', '--store', sharedStore]);
      expect(gc.code, gc.stderr).toBe(0);
      expect(gc.stdout).toContain(`removed ${old.evaluate.key}`);
      expect(gc.stdout).toContain(
        `kept ${old.student.key}: locked by a running process`,
      );
      expect(gc.stdout).not.toContain(old.data.key);
      expect(gc.stdout).toMatch(
        /^Freed \d+(\.\d+)? (B|KiB|MiB): 1 artifact,/m,
      );

      const exit = await running.exited;
      expect(exit.code, running.stderr()).toBe(0);
      const [record] = await readRecords(sharedStore);
      expect(record.status).toBe('succeeded');
      expect(record.nodes.data.status).toBe('cached');

      await rm(studentLock);
      const second = await runCli(['gc', '--store', sharedStore]);
      expect(second.stdout).toContain(`removed ${old.student.key}`);
      const left = await readdir(join(sharedStore, 'objects'));
      expect(left.sort()).toEqual(
        Object.values(record.nodes)
          .map((node) => node.key)
          .sort(),
      );
      expect(await checkStore(sharedStore)).toEqual([]);
    },
    TIMEOUT_MS,
  );
});

/** Returns the pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
  return child.pid;
}

/** Waits until the run reports that node `nodeId` started. */
async function waitForEvent(
  lines: string[],
  exited: Promise<unknown>,
  nodeId: string,
): Promise<void> {
  let ended = false;
  void exited.then(() => (ended = true));
  for (;;) {
    const started = parseEvents(lines.join('\n')).some(
      (event) => event.kind === 'node-started' && event.nodeId === nodeId,
    );
    if (started) return;
    if (ended) throw new Error(`The run ended before \`${nodeId}\` started.`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
