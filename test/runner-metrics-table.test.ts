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
