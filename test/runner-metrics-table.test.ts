import { describe, expect, it } from 'vitest';
import { metricsTable } from '../src/runner/index.js';

describe('metricsTable', () => {
  it('splits flat names by the listed models', () => {
    const table = metricsTable(
      { models: ['student', 'student.v2', 'most-popular'] },
      {
        'student.ndcg@10': 0.1,
        'student.v2.ndcg@10': 0.2,
        'most-popular.hr@10': 0.05,
        'student.cold.hr@10': 0.01,
      },
    );
    expect(table).toEqual({
      student: { 'ndcg@10': 0.1, 'cold.hr@10': 0.01 },
      'student.v2': { 'ndcg@10': 0.2 },
      'most-popular': { 'hr@10': 0.05 },
    });
  });

  it('splits at the first dot without a model list', () => {
    expect(metricsTable({}, { 'teacher.mrr': 0.3, loose: 1 })).toEqual({
      teacher: { mrr: 0.3 },
    });
  });
});

describe('run metrics', () => {
  it('collects the tables of evaluate nodes, cached or not', async () => {
    const { RunnerRig } = await import('./fixtures/runner-rig.js');
    const { fakeEvaluate } = await import('./fixtures/fake-evaluate.js');
    const rig = await RunnerRig.create([fakeEvaluate]);
    try {
      const expected = {
        eval: {
          student: { 'ndcg@10': 0.25, 'hr@10': 0.5 },
          'most-popular': { 'ndcg@10': 0.125 },
        },
      };
      const first = await rig.run([{ name: 'eval', type: 'evaluate' }]);
      expect(first.metrics).toEqual(expected);
      const finished = rig.events.find(
        (event) => event.kind === 'run-finished',
      );
      expect(finished).toMatchObject({ metrics: expected });

      const second = await rig.run([{ name: 'eval', type: 'evaluate' }]);
      expect(second.counts.cached).toBe(1);
      expect(second.metrics).toEqual(expected);
    } finally {
      await rig.cleanup();
    }
  });
});

describe('formatMetricsTables', () => {
  it('puts models in rows and metrics in columns, per group', async () => {
    const { formatMetricsTables } = await import(
      '../src/cli/metrics-output.js'
    );
    const text = formatMetricsTables({
      eval: {
        student: {
          'test.ndcg@10': 0.25,
          'test.hr@10': 0.5,
          'test.cold-item.hr@10': 0.1,
        },
        'most-popular': { 'test.ndcg@10': 0.125 },
      },
    });
    expect(text).toBe(
      [
        'metrics of eval: test',
        'model         ndcg@10   hr@10',
        '------------  -------  ------',
        'student        0.2500  0.5000',
        'most-popular   0.1250       -',
        '',
        'metrics of eval: test.cold-item',
        'model          hr@10',
        '------------  ------',
        'student       0.1000',
        'most-popular       -',
      ].join('\n'),
    );
  });
});
