import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadPipeline,
  loadProjectRegistry,
  plan,
  resolvePipeline,
  run,
  Store,
  type NodeTypeRegistry,
} from 'distillery';
import { dataRoot } from './data-helpers.js';

const EXAMPLES = resolve('pipelines/examples');
let root: string;
let registry: NodeTypeRegistry;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'distillery-examples-'));
  const project = await loadProjectRegistry({
    pipelineFile: join(EXAMPLES, 'item-stats.yaml'),
  });
  registry = project.registry;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Item counts of ml-100k's u.data, read without Distillery's code. */
async function rawItemCounts(): Promise<number[]> {
  const text = await readFile(join(dataRoot, 'ml-100k/u.data'), 'latin1');
  const counts = new Map<string, number>();
  for (const line of text.trim().split('\n')) {
    const item = line.split('\t')[1];
    counts.set(item, (counts.get(item) ?? 0) + 1);
  }

  return [...counts.values()];
}

/** Gini coefficient by the mean absolute difference of all pairs. */
function giniByPairs(counts: number[]): number {
  let differences = 0;
  for (const a of counts) for (const b of counts) differences += Math.abs(a - b);
  const mean = counts.reduce((sum, count) => sum + count, 0) / counts.length;
  return differences / (2 * counts.length ** 2 * mean);
}

describe('example pipelines', () => {
  it('registers item-stats from the example config', () => {
    expect(registry.get('item-stats')?.module).toContain(
      'pipelines/examples/node-types/item-stats.ts',
    );
  });

  it('plans the filtered-ratings example', async () => {
    const file = join(EXAMPLES, 'filtered-ratings.yaml');
    const resolved = resolvePipeline(await loadPipeline(file, { registry }), {
      registry,
    });
    const planned = await plan(resolved, {
      registry,
      store: new Store(join(root, 'artifacts')),
      dataDir: dataRoot,
    });
    expect(planned.nodes.map((node) => [node.id, node.status])).toEqual([
      ['filter', 'run'],
      ['data', 'run'],
      ['student', 'run'],
      ['evaluate', 'run'],
    ]);
    expect(planned.nodes[0].keyFields?.files).toHaveProperty(
      ['$data/ml-100k/u.data'],
    );
  });

  it('runs item-stats with values matching the raw file', async () => {
    const file = join(EXAMPLES, 'item-stats.yaml');
    const resolved = resolvePipeline(await loadPipeline(file, { registry }), {
      registry,
    });
    const result = await run(resolved, {
      registry,
      store: new Store(join(root, 'artifacts')),
      dataDir: dataRoot,
    });
    expect(result.status).toBe('succeeded');

    const counts = (await rawItemCounts()).sort((a, b) => b - a);
    const metrics = result.record.nodes['all-stats'].metrics;
    expect(metrics.interactions).toBe(100_000);
    const topTen = counts.slice(0, 10).reduce((sum, count) => sum + count, 0);
    expect(metrics.topShare).toBeCloseTo(topTen / 100_000, 12);
    expect(metrics.gini).toBeCloseTo(giniByPairs(counts), 9);

    const high = result.record.nodes['high-stats'].metrics;
    expect(high.interactions).toBe(55_361);
    expect(high.gini).toBeGreaterThan(metrics.gini);
  });
});
