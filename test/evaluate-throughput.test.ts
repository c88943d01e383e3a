import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../src/engine/index.js';
import { evaluateModels } from '../src/metrics/evaluate-models.js';
import { Prng } from '../src/models/prng.js';
import { rankCases } from '../src/metrics/rank-cases.js';
import { rankOfTarget } from '../src/metrics/ranking.js';
import { buildTestCases } from '../src/metrics/test-cases.js';
import {
  datasetOf,
  defaultParams,
  randomEmbeddingModel,
} from './evaluate-fakes.js';

// ml-100k's shape: 943 users, 1682 items, histories of 20 to 737 items.
const USERS = 943;
const ITEMS = 1682;
const DIM = 64;

beforeAll(async () => {
  await initEngine();
});

/** Random histories with ml-100k's user count and length range. */
function syntheticSequences(): number[][] {
  const random = new Prng(2024);
  return Array.from({ length: USERS }, () => {
    // Mostly short histories with a long tail, like MovieLens.
    const length = 20 + Math.floor(random.nextFloat() ** 3 * 700);
    return Array.from(
      { length },
      () => 1 + Math.floor(random.nextFloat() * ITEMS),
    );
  });
}

describe('evaluation at ml-100k size', () => {
  const dataset = datasetOf(syntheticSequences(), ITEMS);

  it('tensor ranks equal JS ranks for all users', () => {
    const model = randomEmbeddingModel(ITEMS, DIM, 3);
    const { cases } = buildTestCases(dataset, 'test');
    const ranks = rankCases(model, cases, { protocol: 'full', batchSize: 256 });

    const scores = model.scoreAll(cases.map((c) => c.history));
    const rows = scores.arraySync();
    scores.dispose();
    model.dispose();
    const expected = cases.map((c, i) =>
      rankOfTarget(rows[i], c.target, c.history),
    );
    expect(Array.from(ranks.full!)).toEqual(expected);
  });

  it('reports users per second', () => {
    const before = tf.memory().numTensors;
    const model = randomEmbeddingModel(ITEMS, DIM, 5);
    const report = evaluateModels(
      dataset,
      [{ name: 'random', producer: 'random', recommender: model }],
      { ...defaultParams, protocol: 'both' },
    );
    model.dispose();

    const info = report.metrics.modelInfo.random;
    // Printed so the number can be read off a test run; no bound is
    // asserted because shared CI machines vary widely in speed.
    console.info(
      `evaluate: ${USERS} users x ${ITEMS} items, d=${DIM}, full + sampled: ` +
        `${info.usersPerS.toFixed(0)} users/s ` +
        `(${info.durationMs.toFixed(0)} ms)`,
    );
    expect(info.usersPerS).toBeGreaterThan(0);
    expect(report.metrics.cases).toBe(USERS);
    // A random model ranks the target near the middle on average.
    const mrr = report.metrics.models.random['test.mrr'];
    expect(mrr).toBeLessThan(0.05);
    expect(tf.memory().numTensors).toBe(before);
  });
});
