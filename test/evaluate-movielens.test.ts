import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.js';
import { loadDataset } from '../src/data/load.js';
import { initEngine } from '../src/engine/index.js';
import { evaluateModels } from '../src/metrics/evaluate-models.js';
import { formatMetricsTable } from '../src/metrics/metrics-table.js';
import { defaultParams as options } from './evaluate-fakes.js';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dataDir =
  process.env.DISTILLERY_DATA ??
  path.join(repoRoot, '..', 'shared', 'datasets');
const hasData = existsSync(path.join(dataDir, 'ml-100k', 'u.data'));

// Expected values come from an independent numpy script over u.data:
// histories ordered by timestamp then file line, training counts over
// s[0..n-3], pessimistic ties, thresholds 5 (items) and 30 (users).
describe.skipIf(!hasData)('most-popular on ml-100k', () => {
  let dataset: Dataset;

  beforeAll(async () => {
    await initEngine();
    dataset = await loadDataset({ dataset: 'ml-100k', dataDir });
  });

  it('test split matches the reference', () => {
    const { metrics } = evaluateModels(dataset, [], {
      ...options,
      split: 'test',
    });
    const popular = metrics.models['most-popular'];
    expect(metrics.cases).toBe(943);
    expect(popular['test.hr@10']).toBeCloseTo(0.08377518557794274, 12);
    expect(popular['test.ndcg@10']).toBeCloseTo(0.04321104388079126, 12);
    expect(popular['test.hr@20']).toBeCloseTo(0.1261930010604454, 12);
    expect(popular['test.ndcg@20']).toBeCloseTo(0.053891036501615024, 12);
    expect(popular['test.mrr']).toBeCloseTo(0.040074615633444076, 12);
    expect(metrics.segments['cold-item'].cases).toBe(16);
    expect(metrics.segments['sparse-user'].cases).toBe(221);
    expect(metrics.segments.rest.cases).toBe(707);
    expect(popular['test.cold-item.mrr']).toBeCloseTo(0.000784667576655246, 12);
    expect(popular['test.sparse-user.hr@10']).toBeCloseTo(
      0.09954751131221719,
      12,
    );
    expect(formatMetricsTable(metrics)).toContain('most-popular  0.0838');
  });

  it('valid split matches the reference', () => {
    const { metrics } = evaluateModels(dataset, [], {
      ...options,
      split: 'valid',
    });
    const popular = metrics.models['most-popular'];
    expect(popular['valid.hr@10']).toBeCloseTo(0.07317073170731707, 12);
    expect(popular['valid.mrr']).toBeCloseTo(0.03269208691349361, 12);
    expect(metrics.segments['sparse-user'].cases).toBe(230);
  });
});
