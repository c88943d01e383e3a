import { describe, expect, it } from 'vitest';
import {
  logGamma,
  normalCdf,
  normalTwoSidedP,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
} from '../src/metrics/special-functions.js';
import {
  averageRanks,
  mean,
  meanConfidenceInterval,
  pairedTTest,
  standardDeviation,
  mcNemarTest,
  wilcoxonSignedRank,
} from '../src/metrics/stats.js';

// Reference values below come from scipy 1.17.1 (scipy.special.betainc,
// gammaln, scipy.stats.t, norm, ttest_rel and wilcoxon), or from closed
// forms where the comment gives one.

describe('special functions', () => {
  it('log-gamma matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.3)).toBeCloseTo(1.0957979948180756, 12);
    expect(logGamma(10.5)).toBeCloseTo(13.940625219403763, 11);
  });

  it('incomplete beta matches scipy', () => {
    expect(regularizedIncompleteBeta(0.3, 2.5, 1.5)).toBeCloseTo(
      0.08894372317066562,
      12,
    );
    expect(regularizedIncompleteBeta(0.9, 0.5, 0.5)).toBeCloseTo(
      0.7951672353008665,
      12,
    );
    expect(regularizedIncompleteBeta(0.4, 10, 20)).toBeCloseTo(
      0.7853183897628262,
      12,
    );
    // I_x(1, 1) = x and I_x(a, 1) = x^a.
    expect(regularizedIncompleteBeta(0.37, 1, 1)).toBeCloseTo(0.37, 14);
    expect(regularizedIncompleteBeta(0.5, 3, 1)).toBeCloseTo(0.125, 14);
  });

  it('incomplete beta rejects x outside [0, 1]', () => {
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow(/\[0, 1\]/);
  });

  it('normal cdf matches scipy', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 15);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 13);
    expect(normalCdf(-3.5)).toBeCloseTo(0.00023262907903552502, 15);
    expect(normalTwoSidedP(2.5)).toBeCloseTo(0.012419330651552265, 14);
  });

  it.each([
    [0.975, 2, 4.302652729749462],
    [0.975, 10, 2.228138851986274],
    [0.95, 5, 2.0150483733330233],
    [0.995, 20, 2.8453397097861077],
    [0.975, 1, 12.706204736174694],
    [0.975, 100, 1.9839715185235518],
    [0.9, 3, 1.637744353696209],
  ])('t quantile p=%f df=%i is %f', (p, df, expected) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 9);
  });

  it('t quantiles round to the printed table', () => {
    expect(studentTQuantile(0.975, 2).toFixed(3)).toBe('4.303');
    expect(studentTQuantile(0.975, 10).toFixed(3)).toBe('2.228');
  });

  it('t quantile is antisymmetric and inverts the cdf', () => {
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(
      -studentTQuantile(0.975, 7),
      12,
    );
    expect(studentTCdf(studentTQuantile(0.8, 4.5), 4.5)).toBeCloseTo(0.8, 12);
  });

  it('t cdf matches closed forms for df 1 and 2', () => {
    // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π.
    expect(studentTCdf(0.7, 1)).toBeCloseTo(0.5 + Math.atan(0.7) / Math.PI, 13);
    // df = 2: F(t) = 1/2 + t / (2 √(2 + t²)).
    expect(studentTCdf(-1.3, 2)).toBeCloseTo(
      0.5 - 1.3 / (2 * Math.sqrt(2 + 1.3 ** 2)),
      13,
    );
  });
});

describe('summary statistics', () => {
  const sample = [0.42, 0.51, 0.38, 0.6, 0.55, 0.47, 0.49, 0.53];

  it('mean and standard deviation', () => {
    expect(mean(sample)).toBeCloseTo(0.49375, 14);
    expect(standardDeviation(sample)).toBeCloseTo(0.0706980500842441, 13);
    expect(mean([])).toBeNaN();
    expect(standardDeviation([1])).toBeNaN();
  });

  it('95% interval matches scipy', () => {
    const interval = meanConfidenceInterval(sample);
    expect(interval.level).toBe(0.95);
    expect(interval.n).toBe(8);
    expect(interval.low).toBeCloseTo(0.4346449510111468, 10);
    expect(interval.high).toBeCloseTo(0.5528550489888533, 10);
  });

  it('90% interval matches scipy', () => {
    const interval = meanConfidenceInterval(sample, 0.9);
    expect(interval.low).toBeCloseTo(0.44639399356825926, 10);
    expect(interval.high).toBeCloseTo(0.5411060064317408, 10);
  });

  it('interval of one value is NaN', () => {
    const interval = meanConfidenceInterval([0.3]);
    expect(interval.mean).toBe(0.3);
    expect(interval.low).toBeNaN();
  });

  it('interval rejects a level of 95', () => {
    expect(() => meanConfidenceInterval(sample, 95)).toThrow(/`level`/);
  });
});

// Integer samples, so every difference and tie is exact in floating point.
const c = [
  7, 5, 5, 7, 4, 6, 6, 1, 0, 2, 2, 6, 7, 0, 3, 6, 1, 6, 0, 3, 6, 2, 2, 2, 5, 2,
  7, 3, 3, 4, 4, 4, 4, 7, 6, 6, 5, 4, 2, 7, 3, 1, 6, 1, 6, 4, 0, 0, 3, 0, 1, 4,
  7, 3, 6, 7, 6, 5, 3, 4,
];
const d = [
  6, 5, 5, 5, 8, 3, 3, 0, 4, 4, 6, 4, 9, 0, 3, 3, 2, 9, 2, 1, 7, 1, 6, 6, 3, 3,
  11, 6, 5, 6, 1, 6, 4, 4, 4, 7, 7, 5, 3, 10, 5, 0, 8, 2, 3, 1, 2, 0, 4, 0, 0,
  2, 7, 6, 6, 7, 7, 9, 3, 5,
];

describe('paired t-test', () => {
  it('matches scipy on 60 pairs', () => {
    const result = pairedTTest(c, d);
    expect(result.df).toBe(59);
    expect(result.statistic).toBeCloseTo(-1.9207554286549284, 11);
    expect(result.pValue).toBeCloseTo(0.05959915158511639, 11);
  });

  it('matches scipy on 8 pairs', () => {
    const result = pairedTTest(
      [3, 7, 1, 9, 4, 6, 8, 2],
      [1, 2, 4, 3, 5, 10, 0, -6],
    );
    expect(result.statistic).toBeCloseTo(1.534500268984947, 12);
    expect(result.pValue).toBeCloseTo(0.16877909229161409, 11);
    expect(result.meanDifference).toBeCloseTo(2.625, 14);
  });

  it('matches the df 2 closed form', () => {
    // Differences 1, 2, 4: mean 7/3, s = √(7/3), t = 7/3 / (s / √3) = √7;
    // with df = 2, p = 1 - t / √(2 + t²) = 1 - √7 / 3.
    const result = pairedTTest([2, 4, 8], [1, 2, 4]);
    expect(result.statistic).toBeCloseTo(Math.sqrt(7), 13);
    expect(result.pValue).toBeCloseTo(1 - Math.sqrt(7) / 3, 13);
  });

  it('identical samples give p = 1', () => {
    const result = pairedTTest([1, 2, 3], [1, 2, 3]);
    expect(result.statistic).toBe(0);
    expect(result.pValue).toBe(1);
  });

  it('constant shift gives p = 0', () => {
    const result = pairedTTest([2, 3, 4], [1, 2, 3]);
    expect(result.statistic).toBe(Infinity);
    expect(result.pValue).toBe(0);
  });

  it('rejects unequal lengths', () => {
    expect(() => pairedTTest([1, 2], [1])).toThrow(/equal lengths.*2 and 1/);
  });
});

describe('wilcoxon signed-rank', () => {
  it('average ranks share tied positions', () => {
    const { ranks, tieSizes } = averageRanks([3, 1, 3, 2, 3]);
    expect(ranks).toEqual([4, 1, 4, 2, 4]);
    expect(tieSizes).toEqual([1, 1, 3]);
  });

  it('exact test matches hand count', () => {
    // |d| ranks: 0.5→1, 0.75→2, 1→3, 1.5→4, 2.25→5, 2.5→6, 3→7. Negative
    // ranks 1 + 3 = 4 = W-. Subsets of 1..7 with sum <= 4 are {}, {1},
    // {2}, {3}, {4}, {1,2}, {1,3}: p = 2 · 7 / 128 = 0.109375.
    const a = [1.5, -0.5, 2.25, 3.0, -1.0, 0.75, 2.5];
    const result = wilcoxonSignedRank(a, new Array(7).fill(0));
    expect(result.method).toBe('exact');
    expect(result.statistic).toBe(4);
    expect(result.positiveRankSum).toBe(24);
    expect(result.pValue).toBe(0.109375);
  });

  it('normal approximation with zeros and ties', () => {
    const a = [125, 115, 130, 140, 140, 115, 140, 125, 140, 135];
    const b = [110, 122, 125, 120, 140, 124, 123, 137, 135, 145];
    const result = wilcoxonSignedRank(a, b);
    expect(result.method).toBe('normal');
    expect(result.zeros).toBe(1);
    expect(result.n).toBe(9);
    expect(result.statistic).toBe(18);
    expect(result.z).toBeCloseTo(0.533582250055877, 12);
    expect(result.pValue).toBeCloseTo(0.5936305914425295, 12);
  });

  it('normal approximation matches scipy on 60 pairs', () => {
    const result = wilcoxonSignedRank(c, d);
    expect(result.method).toBe('normal');
    expect(result.statistic).toBe(440);
    expect(result.z).toBeCloseTo(-1.7322254578814107, 12);
    expect(result.pValue).toBeCloseTo(0.08323342800253235, 12);
  });

  it('all-zero differences give p = 1', () => {
    const result = wilcoxonSignedRank([1, 2], [1, 2]);
    expect(result.n).toBe(0);
    expect(result.zeros).toBe(2);
    expect(result.pValue).toBe(1);
  });
});

describe('mcNemarTest', () => {
  // Pairs from counts: both hit, only a, only b, neither.
  function pairs(both: number, onlyA: number, onlyB: number, neither: number) {
    const a: number[] = [];
    const b: number[] = [];
    const add = (x: number, y: number, count: number) => {
      for (let i = 0; i < count; i++) {
        a.push(x);
        b.push(y);
      }
    };
    add(1, 1, both);
    add(1, 0, onlyA);
    add(0, 1, onlyB);
    add(0, 0, neither);
    return { a, b };
  }

  it('matches the exact binomial tail on known counts', () => {
    // 2 of 10 discordant pairs favour a: 2 * (1 + 10 + 45) / 1024.
    const { a, b } = pairs(30, 2, 8, 60);
    const result = mcNemarTest(a, b);
    expect(result.onlyA).toBe(2);
    expect(result.onlyB).toBe(8);
    expect(result.pValue).toBeCloseTo(112 / 1024, 10);
    // 5 to 0: 2 / 32.
    const lopsided = pairs(1, 5, 0, 1);
    expect(mcNemarTest(lopsided.a, lopsided.b).pValue).toBeCloseTo(1 / 16, 10);
  });

  it('gives 1 for balanced or no discordant pairs', () => {
    const balanced = pairs(4, 3, 3, 4);
    expect(mcNemarTest(balanced.a, balanced.b).pValue).toBe(1);
    const none = pairs(4, 0, 0, 4);
    expect(mcNemarTest(none.a, none.b)).toEqual({ onlyA: 0, onlyB: 0, pValue: 1 });
  });

  it('rejects graded values, naming the pair', () => {
    expect(() => mcNemarTest([1, 0.63], [0, 1])).toThrow('pair 1 is (0.63, 1)');
  });
});

describe('mcNemarTest on many pairs', () => {
  it('agrees between the summed and the beta tail around n = 1000', () => {
    // 480 of 990 and 485 of 1010 discordant pairs on the smaller side.
    const small = mcNemarTest(
      [...Array(480).fill(1), ...Array(510).fill(0)],
      [...Array(480).fill(0), ...Array(510).fill(1)],
    );
    const large = mcNemarTest(
      [...Array(485).fill(1), ...Array(525).fill(0)],
      [...Array(485).fill(0), ...Array(525).fill(1)],
    );
    // Exact values from integer binomial sums (Python's math.comb).
    expect(small.pValue).toBeCloseTo(0.35670140163752334, 10);
    expect(large.pValue).toBeCloseTo(0.21974034914722773, 8);
  });
});
