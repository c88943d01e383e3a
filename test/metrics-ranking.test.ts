import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/engine/index.js';
import {
  exclusionPenalty,
  rankTargetsFull,
} from '../src/metrics/full-ranking.js';
import { Prng } from '../src/models/prng.js';
import {
  averageMetrics,
  hitRatioAtK,
  metricsFromRanks,
  ndcgAtK,
  rankOfTarget,
  reciprocalRank,
} from '../src/metrics/ranking.js';
import {
  rankTargetsSampled,
  sampledRankOfTarget,
  sampleNegatives,
} from '../src/metrics/sampled-ranking.js';

beforeAll(async () => {
  await initEngine();
});

describe('rank of target', () => {
  // Items 0..6; 0 is padding. Scores chosen so each rule shows.
  const scores = [9, 0.5, 0.9, 0.1, 0.7, 0.9, 0.3];

  it('counts higher candidates', () => {
    // Candidates 1..6; above 0.7: items 2 and 5 (0.9).
    expect(rankOfTarget(scores, 4, [])).toBe(3);
  });

  it('ignores padding score', () => {
    // Item 0 scores 9 but is never a candidate.
    expect(rankOfTarget(scores, 2, [])).toBe(2);
  });

  it('ties rank pessimistically', () => {
    // Items 2 and 5 tie at 0.9: each ranks behind the other.
    expect(rankOfTarget(scores, 2, [])).toBe(2);
    expect(rankOfTarget(scores, 5, [])).toBe(2);
  });

  it('history items are excluded', () => {
    // Without 2 and 5, only 4 is above item 1 (0.5).
    expect(rankOfTarget(scores, 1, [2, 5])).toBe(2);
  });

  it('target in history stays a candidate', () => {
    expect(rankOfTarget(scores, 2, [2, 5])).toBe(1);
  });

  it('NaN target ranks last', () => {
    const withNaN = [0, 0.2, Number.NaN, 0.4];
    // Candidates 1, 2, 3 minus history item 3: two candidates.
    expect(rankOfTarget(withNaN, 2, [3])).toBe(2);
  });

  it('NaN competitor never outranks', () => {
    const withNaN = [0, 0.2, Number.NaN, 0.4];
    expect(rankOfTarget(withNaN, 1, [])).toBe(2);
  });
});

describe('metric values', () => {
  it.each([
    [1, 1, 1, 1],
    [2, 1, 1 / Math.log2(3), 0.5],
    [3, 1, 0.5, 1 / 3],
    [10, 1, 1 / Math.log2(11), 0.1],
    [11, 0, 0, 1 / 11],
  ])('rank %i: hr@10 %f ndcg@10 %f rr %f', (rank, hr, ndcg, rr) => {
    expect(hitRatioAtK(rank, 10)).toBe(hr);
    expect(ndcgAtK(rank, 10)).toBeCloseTo(ndcg, 15);
    expect(reciprocalRank(rank)).toBeCloseTo(rr, 15);
  });

  it('averages hand-computed ranks', () => {
    // Ranks 1, 3, 12, 25 with K = 10, 20.
    const perCase = metricsFromRanks([1, 3, 12, 25], { ks: [10, 20] });
    const averages = averageMetrics(perCase);
    expect(averages['hr@10']).toBe(0.5);
    expect(averages['hr@20']).toBe(0.75);
    expect(averages['ndcg@10']).toBeCloseTo((1 + 0.5) / 4, 15);
    expect(averages['ndcg@20']).toBeCloseTo(
      (1 + 0.5 + 1 / Math.log2(13)) / 4,
      15,
    );
    expect(averages.mrr).toBeCloseTo((1 + 1 / 3 + 1 / 12 + 1 / 25) / 4, 15);
  });

  it('averages a subset and NaN for none', () => {
    const perCase = metricsFromRanks([1, 3, 12, 25], { ks: [5] });
    expect(averageMetrics(perCase, [1, 3])['hr@5']).toBe(0.5);
    expect(averageMetrics(perCase, [])['hr@5']).toBeNaN();
  });
});

/** Random scores on a coarse grid, so many ties occur. */
function randomCase(random: Prng, numItems: number) {
  const scores = Array.from(
    { length: numItems + 1 },
    () => Math.round(random.nextFloat() * 8) / 8,
  );
  const historyLength = Math.floor(random.nextFloat() * numItems * 0.6);
  const history = Array.from(
    { length: historyLength },
    () => 1 + Math.floor(random.nextFloat() * numItems),
  );
  // Half the targets are drawn from the history, to check they stay in.
  const target =
    history.length > 0 && random.nextFloat() < 0.5
      ? history[Math.floor(random.nextFloat() * history.length)]
      : 1 + Math.floor(random.nextFloat() * numItems);
  return { scores, history, target };
}

interface ScoreRow {
  scores: number[];
  history: number[];
  target: number;
}

/** Ranks plain score rows through the batched tensor path. */
function rankRowsInTensors(rows: ScoreRow[]): Int32Array {
  const scores = tf.tensor2d(rows.map((row) => row.scores));
  const ranks = rankTargetsFull(
    scores,
    rows.map((row) => row.history),
    rows.map((row) => row.target),
  );
  scores.dispose();
  return ranks;
}

describe('batched tensor ranking', () => {
  it('equals the JS rank on random scores', () => {
    const random = new Prng(11);
    const numItems = 40;
    const rows = Array.from({ length: 64 }, () => randomCase(random, numItems));
    const before = tf.memory().numTensors;

    const ranks = rankRowsInTensors(rows);

    const expected = rows.map((row) =>
      rankOfTarget(row.scores, row.target, row.history),
    );
    expect(Array.from(ranks)).toEqual(expected);
    expect(new Set(expected).size).toBeGreaterThan(10);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('handles NaN and -Infinity targets', () => {
    const rows = [
      { scores: [0, Number.NaN, 1, 2, 3], history: [2], target: 1 },
      { scores: [0, -Infinity, 1, 2, 3], history: [2], target: 1 },
      { scores: [0, 5, Number.NaN, 2, 3], history: [], target: 3 },
      { scores: [0, Infinity, 1, Infinity, 3], history: [1], target: 3 },
      { scores: [0, Infinity, 1, Infinity, 3], history: [], target: 3 },
    ];
    const ranks = rankRowsInTensors(rows);

    expect(Array.from(ranks)).toEqual([3, 3, 3, 1, 2]);
    expect(Array.from(ranks)).toEqual(
      rows.map((row) => rankOfTarget(row.scores, row.target, row.history)),
    );
  });

  it('penalty covers padding and history but not target', () => {
    const { penalty, candidates } = exclusionPenalty(
      [[2, 3, 3], [1]],
      [3, 4],
      5,
    );
    expect(penalty.arraySync()).toEqual([
      [-Infinity, 0, -Infinity, 0, 0],
      [-Infinity, -Infinity, 0, 0, 0],
    ]);
    penalty.dispose();
    // Row 0 excludes 0 and 2 of 5 columns; row 1 excludes 0 and 1.
    expect(Array.from(candidates)).toEqual([3, 3]);
  });
});

describe('sampled protocol', () => {
  const cases = [
    { user: 0, history: [1, 2, 3], target: 4 },
    { user: 1, history: [5, 6], target: 5 },
    { user: 2, history: [1, 2, 3, 4, 5, 6, 7, 8, 9], target: 10 },
  ];

  it('negatives avoid history and target', () => {
    const negatives = sampleNegatives(cases, 30, 8, 1);
    cases.forEach((testCase, i) => {
      const row = negatives[i];
      expect(new Set(row).size).toBe(row.length);
      for (const item of row) {
        expect(item).toBeGreaterThanOrEqual(1);
        expect(item).toBeLessThanOrEqual(30);
        expect(testCase.history).not.toContain(item);
        expect(item).not.toBe(testCase.target);
      }
    });
    expect(negatives.map((row) => row.length)).toEqual([8, 8, 8]);
  });

  it('negatives are seeded per user', () => {
    const first = sampleNegatives(cases, 30, 8, 1);
    const again = sampleNegatives([cases[2], cases[0]], 30, 8, 1);
    expect(again).toEqual([first[2], first[0]]);
    expect(sampleNegatives(cases, 30, 8, 2)).not.toEqual(first);
  });

  it('small catalogue gives every other item', () => {
    // 12 items minus 9 history items minus the target leaves 2.
    const [row] = sampleNegatives([cases[2]], 12, 5, 3);
    expect([...row].sort((a, b) => a - b)).toEqual([11, 12]);
  });

  it('tensor rank equals JS rank', () => {
    const random = new Prng(5);
    const numItems = 30;
    const rows = Array.from({ length: 20 }, (_, user) => ({
      user,
      ...randomCase(random, numItems),
    }));
    const negatives = sampleNegatives(rows, numItems, 10, 9);
    // One short row exercises the padding of ragged negative lists.
    negatives[3] = negatives[3].slice(0, 4);
    const before = tf.memory().numTensors;

    const scores = tf.tensor2d(rows.map((row) => row.scores));
    const ranks = rankTargetsSampled(
      scores,
      rows.map((row) => row.target),
      negatives,
    );
    scores.dispose();

    const expected = rows.map((row, i) =>
      sampledRankOfTarget(row.scores, row.target, negatives[i]),
    );
    expect(Array.from(ranks)).toEqual(expected);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('hand-computed sampled rank', () => {
    const scores = [0, 0.4, 0.9, 0.4, 0.1, 0.6];
    expect(sampledRankOfTarget(scores, 1, [3, 4, 5])).toBe(3);
    expect(sampledRankOfTarget(scores, 2, [3, 4, 5])).toBe(1);
  });
});
