/**
 * Resume and determinism through the real CLI: a run killed with SIGKILL
 * mid-training resumes from its last checkpoint and ends with the same
 * artifact digests as an uninterrupted run, and a tampered artifact is
 * reported by `verify` and recomputed rather than served.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killGroup,
  runCli,
  sleep,
  startCli,
} from '../bench/reliability/cli-process.js';
import {
  checkStore,
  succeededDigests,
  type NodeDigest,
} from '../bench/reliability/store-check.js';
import {
  parseEvents,
  readRecords,
  runArgs,
  runPipeline,
  tempFolder,
  TINY_PIPELINE,
} from './fixtures/reliability/helpers.js';

const TIMEOUT_MS = 240_000;

let folder: Awaited<ReturnType<typeof tempFolder>>;
let cleanStore: string;
let clean: Record<string, NodeDigest>;

beforeAll(async () => {
  folder = await tempFolder();
  cleanStore = join(folder.dir, 'clean');
  const exit = await runPipeline(TINY_PIPELINE, cleanStore);
  expect(exit.code, exit.stderr).toBe(0);
  clean = (await succeededDigests(cleanStore))!;
}, TIMEOUT_MS);

afterAll(() => folder?.cleanup());

describe('resume after SIGKILL', () => {
  it(
    'killed training resumes to identical digests',
    async () => {
      const store = join(folder.dir, 'killed');
      const cli = startCli(runArgs(TINY_PIPELINE, store));
      const epochsSaved = await waitForCheckpoint(store, 2, cli.exited);
      const survivors = await killGroup(cli);
      expect(survivors).toEqual([]);
      expect(epochsSaved).toBeGreaterThanOrEqual(2);
      expect(await checkStore(store)).toEqual([]);

      const resumed = await runPipeline(TINY_PIPELINE, store);
      expect(resumed.code, resumed.stderr).toBe(0);
      const message = resumeMessage(resumed.stdout);
      const resumedAfter = Number(/after epoch (\d+)/.exec(message)?.[1]);
      // The kill can land after one more checkpoint, never before the
      // one observed.
      expect(resumedAfter).toBeGreaterThanOrEqual(epochsSaved);
      expect(resumedAfter).toBeLessThanOrEqual(4);

      const records = await readRecords(store);
      expect(records.map((record) => record.status).sort()).toEqual([
        'running',
        'succeeded',
      ]);
      expect(await succeededDigests(store)).toEqual(clean);
      expect(await checkStore(store)).toEqual([]);
      // The work area is removed once the artifact is published.
      expect(await readdir(join(store, 'work'))).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it(
    'tampered artifact is reported and recomputed',
    async () => {
      const studentKey = clean.student.key;
      const weights = join(cleanStore, 'objects', studentKey, 'weights.bin');
      const bytes = await readFile(weights);
      bytes[bytes.length >> 1] ^= 0x01;
      await writeFile(weights, bytes);

      const verify = await runCli(['verify', '--store', cleanStore]);
      expect(verify.code).toBe(1);
      expect(verify.stdout).toContain(`invalid  ${studentKey}`);
      expect(verify.stdout).toContain('weights.bin');

      const rerun = await runPipeline(TINY_PIPELINE, cleanStore);
      expect(rerun.code, rerun.stderr).toBe(0);
      const latest = (await readRecords(cleanStore)).at(-1)!;
      expect(latest.nodes.data.status).toBe('cached');
      expect(latest.nodes.student.status).toBe('ran');
      // Equal weights give an equal digest, so evaluate stays cached.
      expect(latest.nodes.evaluate.status).toBe('cached');
      expect(await succeededDigests(cleanStore)).toEqual(clean);

      const quarantined = await readdir(join(cleanStore, 'quarantine'));
      expect(quarantined).toHaveLength(1);
      expect(quarantined[0].startsWith(studentKey)).toBe(true);
      expect(await checkStore(cleanStore)).toEqual([]);
    },
    TIMEOUT_MS,
  );
});

/**
 * Polls the store's work area until a training checkpoint records at
 * least `epochs` finished epochs; returns the count it saw.
 */
async function waitForCheckpoint(
  store: string,
  epochs: number,
  exited: Promise<unknown>,
): Promise<number> {
  let ended = false;
  void exited.then(() => (ended = true));
  while (!ended) {
    const done = await checkpointEpochs(store);
    if (done >= epochs) return done;
    await sleep(25);
  }

  throw new Error(`The run ended before checkpointing epoch ${epochs}.`);
}

// The checkpoint starts with `DSTLCKP1`, a uint32 header length and the
// JSON header, whose `meta.epochsDone` counts finished epochs.
async function checkpointEpochs(store: string): Promise<number> {
  let best = 0;
  const work = join(store, 'work');
  for (const key of await readdir(work).catch(() => [] as string[])) {
    const bytes = await readFile(join(work, key, 'checkpoint.bin')).catch(
      () => undefined,
    );
    if (!bytes || bytes.length < 12) continue;
    const length = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString('utf8', 12, 12 + length)) as {
      meta: { epochsDone: number };
    };
    best = Math.max(best, header.meta.epochsDone);
  }

  return best;
}

function resumeMessage(stdout: string): string {
  const event = parseEvents(stdout).find(
    (item) =>
      item.kind === 'log' &&
      String(item.message).startsWith('Resuming from the checkpoint'),
  );
  expect(event?.nodeId).toBe('student');
  return String(event?.message);
}
