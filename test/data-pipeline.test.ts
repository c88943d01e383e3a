import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline, resolvePipeline } from '../src/spec/index.js';
import { createRegistry } from '../src/nodes/registry.js';
import { run } from '../src/runner/index.js';
import { Store } from '../src/store/index.js';
import { readDataset } from '../src/data/artifact.js';
import { dataRoot } from './data-helpers.js';

const registry = createRegistry();
let root: string;
let store: Store;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'distillery-data-pipeline-'));
  store = new Store(path.join(root, 'artifacts'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function runPipeline(yaml: string) {
  const file = path.join(root, 'pipeline.yaml');
  await writeFile(file, yaml);
  const spec = await loadPipeline(file, { registry });
  const resolved = resolvePipeline(spec, { registry });
  return run(resolved, { registry, store, dataDir: dataRoot });
}

const filePipeline = `
name: events
nodes:
  data:
    type: load-data
    params:
      dataset: file
      path: events.csv
      columns: { user: who, item: what, timestamp: when }
      minUserInteractions: 3
`;

describe('load-data in a pipeline', () => {
  it('runs, caches and re-runs on data edits', async () => {
    const events = path.join(root, 'events.csv');
    await writeFile(events, 'who,what,when\n1,a,1\n1,b,2\n1,c,3\n');
    const first = await runPipeline(filePipeline);
    expect(first.status).toBe('succeeded');
    expect(first.record.nodes.data.status).toBe('ran');
    expect(first.record.nodes.data.metrics).toMatchObject({
      users: 1,
      items: 3,
      interactions: 3,
    });

    const second = await runPipeline(filePipeline);
    expect(second.record.nodes.data.status).toBe('cached');

    await writeFile(events, 'who,what,when\n1,a,1\n1,b,2\n1,c,3\n1,d,4\n');
    const third = await runPipeline(filePipeline);
    expect(third.record.nodes.data.status).toBe('ran');
    expect(third.record.nodes.data.metrics?.items).toBe(4);
  });

  it('loads a MovieLens-100K slice', async () => {
    const result = await runPipeline(`
name: slice
nodes:
  data:
    type: load-data
    params: { dataset: ml-100k, sliceUsers: 20, minItemInteractions: 2 }
`);
    expect(result.status).toBe('succeeded');
    const key = result.record.nodes.data.key!;
    const dataset = await readDataset(
      path.join(root, 'artifacts', 'objects', key),
    );
    expect(dataset.userIds).toHaveLength(20);
    expect(dataset.stats.source).toBe('ml-100k');
    expect(dataset.stats.itemsDropped).toBeGreaterThan(0);
  });
});
