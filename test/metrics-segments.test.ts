import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/engine/index.js';
import { evaluateModels } from '../src/metrics/evaluate-models.js';
import { createMostPopular } from '../src/metrics/popularity.js';
import { rankCases } from '../src/metrics/rank-cases.js';
import { assignSegments, describeSegment } from '../src/metrics/segments.js';
import {
  buildTestCases,
  trainingItemCounts,
} from '../src/metrics/test-cases.js';
import {
  datasetOf,
  defaultParams,
  handMadeSequences,
} from './evaluate-fakes.js';

beforeAll(async () => {
  await initEngine();
});

const dataset = datasetOf(handMadeSequences, 6);

describe('test cases', () => {
  it('test split predicts the last item', () => {
    const { cases, skippedUsers } = buildTestCases(dataset, 'test');
    expect(skippedUsers).toBe(1);
    expect(cases).toEqual([
      { user: 0, history: [1, 2, 3, 4], target: 5 },
      { user: 1, history: [2, 3, 1], target: 6 },
      { user: 2, history: [4, 1], target: 2 },
      { user: 4, history: [3, 1, 2, 4, 6, 5], target: 2 },
    ]);
  });

  it('valid split predicts the second-to-last', () => {
    const { cases } = buildTestCases(dataset, 'valid');
    expect(cases.map((c) => c.target)).toEqual([4, 1, 1, 5]);
    expect(cases[0].history).toEqual([1, 2, 3]);
    expect(cases[2].history).toEqual([4]);
  });
});

describe('most-popular baseline', () => {
  it('counts only training interactions', () => {
    // Test targets 5, 6, 2, 2 and validation targets 4, 1, 1, 5 are not
    // counted; user 3 (two items) has no training part.
    expect(Array.from(trainingItemCounts(dataset))).toEqual([
      0, 2, 3, 3, 2, 0, 1,
    ]);
  });

  it('ranks hand-checked cases', () => {
    const baseline = createMostPopular(trainingItemCounts(dataset));
    const { cases } = buildTestCases(dataset, 'test');
    const before = tf.memory().numTensors;
    const ranks = rankCases(baseline, cases, {
      protocol: 'full',
      batchSize: 3,
    });
    expect(tf.memory().numTensors).toBe(before);
    baseline.dispose();

    // User 0: candidates 5 (0) and 6 (1), target 5 is second. User 1:
    // candidates 4 (2), 5 (0), 6 (1), target 6 is second. User 2:
    // target 2 ties item 3 at 3, ranked behind it. User 4: only the
    // re-consumed target 2 is left.
    expect(Array.from(ranks.full!)).toEqual([2, 2, 2, 1]);
    expect(ranks.sampled).toBeUndefined();
    expect(ranks.usersPerS).toBeGreaterThan(0);
  });

  it('scores the same row for all users', () => {
    const baseline = createMostPopular(Int32Array.from([0, 4, 1, 7]));
    const scores = baseline.scoreAll([[1], [2, 3]]);
    expect(scores.arraySync()).toEqual([
      [-1, 4, 1, 7],
      [-1, 4, 1, 7],
    ]);
    scores.dispose();
    baseline.dispose();
  });
});

describe('segments', () => {
  const { cases } = buildTestCases(dataset, 'test');
  const counts = trainingItemCounts(dataset);

  it('assigns hand-made cases', () => {
    const segments = assignSegments(cases, counts, {
      coldItemThreshold: 1,
      sparseUserThreshold: 2,
    });
    // Targets 5 (0 interactions) and 6 (1) are cold; user 2's history
    // has 2 items; user 4 is in neither.
    expect(segments['cold-item']).toEqual([0, 1]);
    expect(segments['sparse-user']).toEqual([2]);
    expect(segments.rest).toEqual([3]);
  });

  it('a case can be cold and sparse', () => {
    const segments = assignSegments(cases, counts, {
      coldItemThreshold: 0,
      sparseUserThreshold: 4,
    });
    expect(segments['cold-item']).toEqual([0]);
    expect(segments['sparse-user']).toEqual([0, 1, 2]);
    expect(segments.rest).toEqual([3]);
  });

  it('threshold is inclusive', () => {
    const segments = assignSegments(cases, counts, {
      coldItemThreshold: 3,
      sparseUserThreshold: 0,
    });
    expect(segments['cold-item']).toEqual([0, 1, 2, 3]);
    expect(segments.rest).toEqual([]);
  });

  it('describes rules with thresholds', () => {
    const thresholds = { coldItemThreshold: 5, sparseUserThreshold: 30 };
    expect(describeSegment('cold-item', thresholds)).toContain('<= 5');
    expect(describeSegment('sparse-user', thresholds)).toContain('<= 30');
  });
});

describe('dataset without test cases', () => {
  it('reports counts and no means', () => {
    const tiny = datasetOf([[1, 2], [3]], 3);
    const { metrics, perUser } = evaluateModels(tiny, [], defaultParams);
    expect(metrics.cases).toBe(0);
    expect(metrics.skippedUsers).toBe(2);
    expect(metrics.models['most-popular']).toEqual({
      'test.cases': 0,
      'test.cold-item.cases': 0,
      'test.sparse-user.cases': 0,
      'test.rest.cases': 0,
    });
    expect(metrics.comparisons).toEqual([]);
    expect(perUser.users).toEqual([]);
  });
});
