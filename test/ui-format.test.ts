import { describe, expect, it } from 'vitest';
import { renderBar } from '../src/ui/bar.js';
import {
  formatDuration,
  formatKeyPrefix,
  formatMetric,
  wrapWords,
} from '../src/ui/format.js';
import { computeListWindow } from '../src/ui/list-window.js';
import {
  buildMetricsRows,
  formatMetricsTable,
} from '../src/ui/metrics-table.js';
import { moveSelection } from '../src/ui/selection.js';
import { renderSparkline } from '../src/ui/sparkline.js';
import { isColorEnabled } from '../src/ui/theme.js';

describe('formatDuration', () => {
  it.each([
    [0, '0.0s'],
    [4_249, '4.2s'],
    [42_900, '42s'],
    [187_000, '3m 07s'],
    [7_500_000, '2h 05m'],
    [-5, '0.0s'],
  ])('formats %i ms as %s', (durationMs, expected) => {
    expect(formatDuration(durationMs)).toBe(expected);
  });
});

describe('formatKeyPrefix and formatMetric', () => {
  it('shows eight characters of a key, dashes without one', () => {
    expect(formatKeyPrefix('0123456789abcdef')).toBe('01234567');
    expect(formatKeyPrefix('')).toBe('--------');
  });

  it('shows metrics with four decimals and a dash when missing', () => {
    expect(formatMetric(0.04671)).toBe('0.0467');
    expect(formatMetric(undefined)).toBe('-');
    expect(formatMetric(Number.NaN)).toBe('-');
  });
});

describe('wrapWords', () => {
  it('breaks at spaces without leading spaces', () => {
    expect(wrapWords('Published artifacts are kept here', 14)).toEqual([
      'Published',
      'artifacts are',
      'kept here',
    ]);
  });

  it('cuts a word longer than the width', () => {
    expect(wrapWords('abcdefghij xy', 4)).toEqual(['abcd', 'efgh', 'ij', 'xy']);
  });

  it('returns no lines for blank text', () => {
    expect(wrapWords('   ', 10)).toEqual([]);
  });
});

describe('renderBar', () => {
  it.each([
    [0, 8, '░░░░░░░░'],
    [0.5, 8, '████░░░░'],
    [1, 8, '████████'],
    [1 / 16, 4, '▎░░░'],
    [2, 4, '████'],
    [-1, 4, '░░░░'],
  ])('renders %f at width %i', (fraction, width, expected) => {
    expect(renderBar(fraction, width)).toBe(expected);
  });

  it('always fills exactly the requested width', () => {
    for (let i = 0; i <= 100; i += 1) {
      expect([...renderBar(i / 100, 13)]).toHaveLength(13);
    }
  });
});

describe('renderSparkline', () => {
  it('scales values between their minimum and maximum', () => {
    expect(renderSparkline([0.01, 0.02, 0.03, 0.08], 10)).toBe('▁▂▃█');
  });

  it('keeps only the newest values that fit', () => {
    expect(renderSparkline([9, 1, 2, 3], 3)).toBe('▁▅█');
  });

  it('draws a flat series at mid height', () => {
    expect(renderSparkline([0.2, 0.2], 5)).toBe('▄▄');
  });

  it('returns nothing without values', () => {
    expect(renderSparkline([], 5)).toBe('');
  });
});

describe('metrics table', () => {
  const metrics = {
    evaluate: {
      student: { 'test.hr@10': 0.1, 'test.NDCG@10': 0.05, 'test.mrr': 0.04 },
    },
  };

  it('reads test metrics by name, ignoring case', () => {
    expect(buildMetricsRows(metrics)).toEqual([
      {
        label: 'student',
        values: [0.1, 0.05, undefined, undefined, 0.04],
      },
    ]);
  });

  it('labels rows with the node id when several nodes evaluated', () => {
    const rows = buildMetricsRows({
      'evaluate@a': { student: {} },
      'evaluate@b': { student: {} },
    });

    expect(rows.map((row) => row.label)).toEqual([
      'evaluate@a student',
      'evaluate@b student',
    ]);
  });

  it('cuts long labels to fit the width', () => {
    const rows = [{ label: 'x'.repeat(60), values: [0.1, 0.2, 0.3, 0.4, 0.5] }];
    const lines = formatMetricsTable(rows, 60);

    expect(lines[0]).toBe(
      'model              HR@10  NDCG@10    HR@20  NDCG@20      MRR',
    );
    expect(lines[1]).toBe(
      'xxxxxxxxxxxxxx…   0.1000   0.2000   0.3000   0.4000   0.5000',
    );
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(60);
    }
  });
  it('drops metric columns from the right when narrow', () => {
    const rows = [{ label: 'student', values: [0.1, 0.2, 0.3, 0.4, 0.5] }];
    const lines = formatMetricsTable(rows, 40);

    expect(lines).toEqual([
      'model      HR@10  NDCG@10    HR@20',
      'student   0.1000   0.2000   0.3000',
    ]);
  });
});

describe('computeListWindow', () => {
  it('shows everything that fits', () => {
    expect(computeListWindow(5, 4, 5)).toEqual({
      start: 0,
      end: 5,
      hiddenAbove: 0,
      hiddenBelow: 0,
    });
  });

  it('centres the selection and keeps two lines for notes', () => {
    expect(computeListWindow(30, 15, 10)).toEqual({
      start: 11,
      end: 19,
      hiddenAbove: 11,
      hiddenBelow: 11,
    });
  });

  it('stops at the end of the list', () => {
    expect(computeListWindow(30, 29, 10)).toEqual({
      start: 22,
      end: 30,
      hiddenAbove: 22,
      hiddenBelow: 0,
    });
  });
});

describe('moveSelection', () => {
  const order = ['a', 'b', 'c'];

  it.each([
    ['a', 1, 'b'],
    ['c', 1, 'c'],
    ['a', -1, 'a'],
    [undefined, 1, 'a'],
  ])('moves from %s by %i to %s', (current, delta, expected) => {
    expect(moveSelection(order, current, delta)).toBe(expected);
  });
});

describe('isColorEnabled', () => {
  it.each([
    [{}, true],
    [{ NO_COLOR: '' }, true],
    [{ NO_COLOR: '1' }, false],
    [{ NO_COLOR: 'anything' }, false],
  ])('for %j is %s', (env, expected) => {
    expect(isColorEnabled(env)).toBe(expected);
  });
});
