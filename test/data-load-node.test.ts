import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadDataNodeType,
  type LoadDataParams,
} from '../src/nodes/builtin/load-data.js';
import { builtinNodeTypes } from '../src/nodes/builtin/index.js';
import { namedDatasets } from '../src/data/named-datasets.js';
import { collectOwnKeyFields } from '../src/runner/key-fields.js';
import type { ResolvedNode } from '../src/spec/types.js';
import type { NodeContext } from '../src/nodes/node-type.js';
import type { NodeEmittedEvent } from '../src/events/events.js';
import { readDataset } from '../src/data/artifact.js';
import { DataError } from '../src/data/errors.js';
import { dataRoot } from './data-helpers.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dataDir = dataRoot;
const scratchDirs: string[] = [];

afterAll(async () => {
  await Promise.all(
    scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })),
  );
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'distillery-load-node-'));
  scratchDirs.push(dir);
  return dir;
}

/** The schema's defaults with `overrides` on top. */
function paramsWith(overrides: Partial<LoadDataParams>): LoadDataParams {
  const defaults = Object.fromEntries(
    Object.entries(loadDataNodeType.params).map(([name, spec]) => [
      name,
      spec.default,
    ]),
  );
  return { ...defaults, ...overrides } as LoadDataParams;
}

/** A planned `load-data` node for `dataset`, as key collection sees it. */
function plannedDataNode(dataset: LoadDataParams['dataset']): ResolvedNode {
  return {
    id: 'data',
    name: 'data',
    variant: null,
    type: 'load-data',
    params: paramsWith({ dataset }),
    inputs: {},
  } as unknown as ResolvedNode;
}

async function runNode(params: LoadDataParams, pipelineDir = repoRoot) {
  const events: NodeEmittedEvent[] = [];
  const context: NodeContext<LoadDataParams> = {
    params,
    inputs: {},
    outDir: await scratch(),
    workDir: await scratch(),
    dataDir,
    pipelineDir,
    nodeName: 'data',
    emit: (event) => events.push(event),
    signal: new AbortController().signal,
  };
  const result = await loadDataNodeType.run(context);
  return { result, events, outDir: context.outDir };
}

describe('load-data node', () => {
  it('is registered as a built-in', () => {
    expect(builtinNodeTypes.map((type) => type.name)).toContain('load-data');
    expect(loadDataNodeType.output).toBe('dataset');
  });

  it('gives every param a default and description', () => {
    for (const [name, spec] of Object.entries(loadDataNodeType.params)) {
      expect(spec.description, name).not.toBe('');
      expect(spec.default, name).not.toBeUndefined();
    }
  });

  it('loads a slice of MovieLens-100K', async () => {
    const { result, events, outDir } = await runNode(
      paramsWith({ dataset: 'ml-100k', sliceUsers: 50 }),
    );
    // The first 50 users have 5354 ratings of 1084 items (counted in u.data
    // independently of this code), all kept under the default filter.
    expect(result.metrics).toEqual({
      users: 50,
      items: 1084,
      interactions: 5354,
      density: 5354 / (50 * 1084),
    });
    expect((await readdir(outDir)).sort()).toEqual([
      'dataset.json',
      'items.json',
      'sequences.bin',
    ]);
    const dataset = await readDataset(outDir);
    expect(dataset.userIds[0]).toBe('1');
    expect(dataset.userIds[49]).toBe('50');
    expect(dataset.stats).toEqual(result.summary?.stats);
    const phases = events.flatMap((e) =>
      e.kind === 'progress' ? [e.phase] : [],
    );
    expect(phases).toEqual(['reading', 'writing']);
    const logs = events.filter((e) => e.kind === 'log');
    expect(logs.at(-1)).toMatchObject({
      level: 'info',
      message:
        'ml-100k: 50 users, 1084 items, 5354 interactions of 100000 read.',
    });
  });

  it('declares the pinned files as dependencies', async () => {
    const files = await loadDataNodeType.fileDependencies!(
      paramsWith({ dataset: 'ml-100k' }),
      { dataDir, pipelineDir: repoRoot },
    );
    expect(files).toEqual(
      ['u.data', 'u.item', 'u.genre'].map((name) => ({
        path: path.join(dataDir, 'ml-100k', name),
        sha256: namedDatasets['ml-100k'].pins[name],
      })),
    );
  });

  it('plans a missing named dataset without downloading it', async () => {
    // No server listens here, so a download attempt would fail the planning.
    const emptyDataDir = await scratch();
    const node = plannedDataNode('ml-latest-small');
    const fields = await collectOwnKeyFields(node, loadDataNodeType, {
      dataDir: emptyDataDir,
      pipelineDir: repoRoot,
    });
    expect(fields.files).toEqual({
      '$data/ml-latest-small/ratings.csv':
        namedDatasets['ml-latest-small'].pins['ratings.csv'],
      '$data/ml-latest-small/movies.csv':
        namedDatasets['ml-latest-small'].pins['movies.csv'],
    });
    expect(await readdir(emptyDataDir)).toEqual([]);
  });

  it('hashes an existing file over its pinned digest', async () => {
    const dir = await scratch();
    await mkdir(path.join(dir, 'ml-100k'));
    for (const name of ['u.data', 'u.item', 'u.genre']) {
      await writeFile(path.join(dir, 'ml-100k', name), `edited ${name}\n`);
    }
    const node = plannedDataNode('ml-100k');
    const fields = await collectOwnKeyFields(node, loadDataNodeType, {
      dataDir: dir,
      pipelineDir: repoRoot,
    });
    expect(fields.files['$data/ml-100k/u.data']).toBe(
      createHash('sha256').update('edited u.data\n').digest('hex'),
    );
  });

  it('resolves a file path against the pipeline', async () => {
    const pipelineDir = await scratch();
    await writeFile(
      path.join(pipelineDir, 'events.txt'),
      'u1 a\nu1 b\nu1 c\nu2 a\nu2 c\nu2 b\nu3 a\n',
    );
    const params = paramsWith({
      dataset: 'file',
      path: 'events.txt',
      format: 'user-item',
      minUserInteractions: 3,
    });
    const files = await loadDataNodeType.fileDependencies!(params, {
      dataDir,
      pipelineDir,
    });
    expect(files).toEqual([path.join(pipelineDir, 'events.txt')]);

    const { result, events, outDir } = await runNode(params, pipelineDir);
    expect(result.metrics?.users).toBe(2);
    expect(result.metrics?.items).toBe(3);
    const dataset = await readDataset(outDir);
    expect(dataset.sequences).toEqual([
      [1, 2, 3],
      [1, 3, 2],
    ]);
    expect(dataset.stats.source).toBe('events.txt');
    expect(events.some((e) => e.kind === 'log' && e.level === 'warn')).toBe(
      false,
    );
  });

  it('maps delimited columns from params', async () => {
    const pipelineDir = await scratch();
    await writeFile(
      path.join(pipelineDir, 'log.csv'),
      'item,user,time\nx,1,3\ny,1,1\nz,1,2\n',
    );
    const { outDir } = await runNode(
      paramsWith({
        dataset: 'file',
        path: 'log.csv',
        columns: { user: 'user', item: 'item', timestamp: 'time' },
        minUserInteractions: 3,
      }),
      pipelineDir,
    );
    const dataset = await readDataset(outDir);
    expect(dataset.items.map((item) => item.originalId)).toEqual([
      'x',
      'y',
      'z',
    ]);
    expect(dataset.sequences).toEqual([[2, 3, 1]]);
  });

  it('requires a path for file datasets', async () => {
    const error = await runNode(paramsWith({ dataset: 'file' })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toContain('`path` is required');
  });

  it('rejects a column given as an object', async () => {
    const error = await runNode(
      paramsWith({
        dataset: 'file',
        path: 'x.csv',
        columns: { user: { name: 'u' }, item: 2 },
      }),
    ).catch((e: unknown) => e);
    expect((error as DataError).reason).toBe('invalid-option');
    expect((error as DataError).message).toContain('`columns.user`');
  });
});
