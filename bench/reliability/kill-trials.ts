/**
 * The crash-consistency trials. Each trial runs a pipeline, kills the
 * runner's whole process group with SIGKILL at a random moment, checks
 * the store and restarts. Whenever a run completes, its artifact digests
 * are compared with those of a clean, uninterrupted run, and the next
 * trial starts over on an empty store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { killGroup, runCli, sleep, startCli } from './cli-process.js';
import {
  checkStore,
  succeededDigests,
  type NodeDigest,
  type StoreProblem,
} from './store-check.js';

/** Options of `runKillTrials`. */
export interface KillTrialOptions {
  pipelineFile: string;
  dataDir: string;
  /** Folder for the trial stores; removed stores are created under it. */
  workDir: string;
  /** Number of kills. */
  trials: number;
  /** Seed of the kill moments, so a failing sequence can be replayed. */
  seed: number;
  /**
   * Kill moments are drawn uniformly from 0 to this many milliseconds
   * after the start. Default: 1.1 times the clean run's duration, so
   * some attempts finish before their kill.
   */
  maxDelayMs?: number;
  /** Receives one line per trial and per finished run. */
  log?(line: string): void;
}

/** The findings of one kill trial or of one completed run. */
export interface TrialRecord {
  /** 1-based number of the kill; 0 for a run that completed. */
  trial: number;
  episode: number;
  delayMs: number;
  outcome: 'killed' | 'completed';
  problems: StoreProblem[];
  /** `key of <node>` or `digest of <node>` for each difference. */
  digestMismatches: string[];
  /** Epoch the node resumed after, from its log line, by node id. */
  resumedAfterEpoch: Record<string, number>;
  /** Group members still alive after the kill. */
  survivors: number[];
}

/** Result of `runKillTrials`. */
export interface KillTrialReport {
  kills: number;
  completedRuns: number;
  /** Records with a problem, a digest mismatch or survivors. */
  failures: TrialRecord[];
  /** Completed attempts that resumed a node from a checkpoint. */
  resumes: number;
  cleanRunMs: number;
  totalMs: number;
  reference: Record<string, NodeDigest>;
  records: TrialRecord[];
}

/** Runs the trials and returns what they found. */
export async function runKillTrials(
  options: KillTrialOptions,
): Promise<KillTrialReport> {
  const startedAt = Date.now();
  const log = options.log ?? (() => undefined);
  const { reference, cleanRunMs } = await cleanRun(options);
  log(`clean run: ${(cleanRunMs / 1000).toFixed(1)} s, ${describe(reference)}`);

  const random = mulberry32(options.seed);
  const maxDelayMs = options.maxDelayMs ?? cleanRunMs * 1.1;
  const records: TrialRecord[] = [];
  let episode = 1;
  let store = await freshStore(options.workDir);
  let kills = 0;
  while (kills < options.trials) {
    const delayMs = Math.round(random() * maxDelayMs);
    const record = await attempt(options, store, delayMs, reference);
    record.episode = episode;
    if (record.outcome === 'killed') record.trial = ++kills;
    records.push(record);
    log(formatRecord(record));
    if (record.outcome === 'completed') {
      await rm(store, { recursive: true, force: true });
      store = await freshStore(options.workDir);
      episode += 1;
    }
  }

  const last = await attempt(options, store, Infinity, reference);
  last.episode = episode;
  records.push(last);
  log(formatRecord(last));
  await rm(store, { recursive: true, force: true });

  return summarise(records, reference, cleanRunMs, Date.now() - startedAt);
}

async function cleanRun(
  options: KillTrialOptions,
): Promise<{ reference: Record<string, NodeDigest>; cleanRunMs: number }> {
  const store = await freshStore(options.workDir);
  const started = Date.now();
  const exit = await runCli(runArgs(options, store));
  const cleanRunMs = Date.now() - started;
  const reference = await succeededDigests(store);
  await rm(store, { recursive: true, force: true });
  if (exit.code !== 0 || !reference) {
    throw new Error(
      `The clean run failed with exit ${exit.code}: ` +
        `${exit.stdout.slice(-2000)}${exit.stderr.slice(-2000)}`,
    );
  }

  return { reference, cleanRunMs };
}

/**
 * Starts a run on `store`, kills its process group after `delayMs` unless
 * it ends first, then checks the store. A run that ends must succeed and
 * match the reference digests.
 */
async function attempt(
  options: KillTrialOptions,
  store: string,
  delayMs: number,
  reference: Record<string, NodeDigest>,
): Promise<TrialRecord> {
  const cli = startCli(runArgs(options, store));
  const timer = Number.isFinite(delayMs)
    ? sleep(delayMs)
    : new Promise<void>(() => undefined);
  const ended = await Promise.race([
    cli.exited.then(() => true),
    timer.then(() => false),
  ]);
  const record: TrialRecord = {
    trial: 0,
    episode: 0,
    delayMs: Number.isFinite(delayMs) ? delayMs : -1,
    outcome: ended ? 'completed' : 'killed',
    problems: [],
    digestMismatches: [],
    resumedAfterEpoch: {},
    survivors: [],
  };

  if (!ended) record.survivors = await killGroup(cli);
  record.resumedAfterEpoch = resumedEpochs(cli.stdoutLines);
  record.problems = await checkStore(store);
  if (ended) {
    const exit = await cli.exited;
    record.digestMismatches = await compareDigests(store, reference);
    if (exit.code !== 0) {
      record.problems.push({
        reason: 'verify-failed',
        path: '.',
        detail: `run exited ${exit.code}: ${cli.stderr().slice(-1000)}`,
      });
    }
  }

  return record;
}

async function compareDigests(
  store: string,
  reference: Record<string, NodeDigest>,
): Promise<string[]> {
  const found = (await succeededDigests(store)) ?? {};
  const mismatches: string[] = [];
  for (const [id, expected] of Object.entries(reference)) {
    if (found[id]?.key !== expected.key) mismatches.push(`key of ${id}`);
    else if (found[id]?.digest !== expected.digest) {
      mismatches.push(`digest of ${id}`);
    }
  }

  return mismatches;
}

function resumedEpochs(lines: string[]): Record<string, number> {
  const resumed: Record<string, number> = {};
  for (const line of lines) {
    if (!line.includes('Resuming from the checkpoint')) continue;
    const event = JSON.parse(line) as { nodeId: string; message: string };
    const epoch = /after epoch (\d+)/.exec(event.message)?.[1];
    if (epoch) resumed[event.nodeId] = Number(epoch);
  }

  return resumed;
}

function summarise(
  records: TrialRecord[],
  reference: Record<string, NodeDigest>,
  cleanRunMs: number,
  totalMs: number,
): KillTrialReport {
  const failed = (record: TrialRecord): boolean =>
    record.problems.length > 0 ||
    record.digestMismatches.length > 0 ||
    record.survivors.length > 0;
  const completed = records.filter((record) => record.outcome === 'completed');
  return {
    kills: records.filter((record) => record.outcome === 'killed').length,
    completedRuns: completed.length,
    failures: records.filter(failed),
    resumes: completed.filter(
      (record) => Object.keys(record.resumedAfterEpoch).length > 0,
    ).length,
    cleanRunMs,
    totalMs,
    reference,
    records,
  };
}

function runArgs(options: KillTrialOptions, store: string): string[] {
  return [
    'run',
    options.pipelineFile,
    '--store',
    store,
    '--ui',
    'json',
    '--data-dir',
    options.dataDir,
  ];
}

function freshStore(workDir: string): Promise<string> {
  return mkdtemp(join(workDir, 'store-'));
}

function formatRecord(record: TrialRecord): string {
  const head =
    record.outcome === 'killed'
      ? `trial ${record.trial}: killed at ${record.delayMs} ms`
      : `episode ${record.episode}: completed`;
  const resumed = Object.entries(record.resumedAfterEpoch)
    .map(([id, epoch]) => `${id} resumed after epoch ${epoch}`)
    .join(', ');
  const problems = [
    ...record.problems.map((p) => `${p.reason} ${p.path} ${p.detail}`),
    ...record.digestMismatches.map((what) => `${what} differs`),
    ...record.survivors.map((pid) => `process ${pid} survived the kill`),
  ];
  return [head, resumed, problems.length ? `FAIL ${problems.join('; ')}` : 'ok']
    .filter(Boolean)
    .join(' | ');
}

function describe(digests: Record<string, NodeDigest>): string {
  return Object.entries(digests)
    .map(([id, node]) => `${id} ${node.digest.slice(0, 12)}`)
    .join(', ');
}

/** Returns a seeded PRNG (mulberry32) for reproducible kill moments. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
