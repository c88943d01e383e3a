/**
 * Summary statistics and paired significance tests over per-user metric
 * values: mean, sample standard deviation, Student's t confidence interval,
 * the paired t-test and the Wilcoxon signed-rank test.
 */
import {
  normalTwoSidedP,
  regularizedIncompleteBeta,
  studentTQuantile,
  studentTTwoSidedP,
} from './special-functions.js';

/** Largest number of non-zero differences for the exact Wilcoxon test. */
export const WILCOXON_EXACT_MAX_N = 50;

/** Mean with a Student's t confidence interval. */
export interface ConfidenceInterval {
  mean: number;
  /** Sample standard deviation (divisor n - 1); NaN when n < 2. */
  std: number;
  n: number;
  /** Confidence level, for example 0.95. */
  level: number;
  /** Lower end; NaN when n < 2. */
  low: number;
  /** Upper end; NaN when n < 2. */
  high: number;
  /** Half the interval's width: t_{(1+level)/2, n-1} · std / √n. */
  halfWidth: number;
}

/** Result of a paired t-test. */
export interface PairedTTestResult {
  /** t statistic of the mean difference a - b. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Degrees of freedom, n - 1. */
  df: number;
  /** Mean of a - b. */
  meanDifference: number;
  n: number;
}

/** Result of a Wilcoxon signed-rank test. */
export interface WilcoxonResult {
  /** min(W+, W-), the smaller signed-rank sum (as scipy reports it). */
  statistic: number;
  /** Sum of the ranks of positive differences a - b. */
  positiveRankSum: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Number of non-zero differences, the ones that are ranked. */
  n: number;
  /** Number of zero differences, dropped before ranking. */
  zeros: number;
  /**
   * `exact` (null distribution enumerated; n <= 50 and no tied ranks) or
   * `normal` (normal approximation with the tie correction of the
   * variance, no continuity correction).
   */
  method: 'exact' | 'normal';
  /** z score of W+ under the normal approximation; NaN for `exact`. */
  z: number;
}

/** Computes the arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/**
 * Computes the sample standard deviation with divisor n - 1; NaN when
 * there are fewer than two values.
 */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const center = mean(values);
  let sumOfSquares = 0;
  for (const value of values) sumOfSquares += (value - center) ** 2;
  return Math.sqrt(sumOfSquares / (values.length - 1));
}

/**
 * Computes the mean and its Student's t confidence interval,
 * mean ± t_{(1+level)/2, n-1} · s / √n.
 *
 * Note: the interval is NaN for fewer than two values, and has zero width
 * when all values are equal. The default level is 0.95.
 */
export function meanConfidenceInterval(
  values: readonly number[],
  level = 0.95,
): ConfidenceInterval {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(
      `\`level\` must lie in (0, 1), received ${level}: pass for example 0.95.`,
    );
  }

  const n = values.length;
  const center = mean(values);
  const std = standardDeviation(values);
  if (n < 2) {
    return {
      mean: center,
      std,
      n,
      level,
      low: Number.NaN,
      high: Number.NaN,
      halfWidth: Number.NaN,
    };
  }

  const quantile = studentTQuantile((1 + level) / 2, n - 1);
  const halfWidth = (quantile * std) / Math.sqrt(n);
  return {
    mean: center,
    std,
    n,
    level,
    low: center - halfWidth,
    high: center + halfWidth,
    halfWidth,
  };
}

/** Computes a - b element-wise, checking that the lists pair up. */
function pairedDifferences(
  a: readonly number[],
  b: readonly number[],
): number[] {
  if (a.length !== b.length) {
    throw new RangeError(
      `Paired samples must have equal lengths, received ${a.length} and ` +
        `${b.length}: pass one value per user in the same user order.`,
    );
  }
  return a.map((value, i) => value - b[i]);
}

/**
 * Runs the two-sided paired t-test of H0: mean(a - b) = 0.
 *
 * Note: needs at least two pairs. When every difference is equal the
 * statistic is 0 with p = 1 if they are all zero, and ±Infinity with p = 0
 * otherwise.
 */
export function pairedTTest(
  a: readonly number[],
  b: readonly number[],
): PairedTTestResult {
  const differences = pairedDifferences(a, b);
  const n = differences.length;
  if (n < 2) {
    throw new RangeError(
      `The paired t-test needs at least 2 pairs, received ${n}.`,
    );
  }

  const meanDifference = mean(differences);
  const std = standardDeviation(differences);
  const df = n - 1;
  if (std === 0) {
    const statistic =
      meanDifference === 0 ? 0 : Math.sign(meanDifference) * Infinity;
    return {
      statistic,
      pValue: meanDifference === 0 ? 1 : 0,
      df,
      meanDifference,
      n,
    };
  }

  const statistic = meanDifference / (std / Math.sqrt(n));
  const pValue = studentTTwoSidedP(statistic, df);
  return { statistic, pValue, df, meanDifference, n };
}

/**
 * Assigns 1-based ranks to values, giving tied values the mean of the
 * ranks they span. Returns the ranks and the sizes of tie groups.
 */
export function averageRanks(values: readonly number[]): {
  ranks: number[];
  tieSizes: number[];
} {
  const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];

  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) {
      end++;
    }
    // Positions start..end-1 hold ranks start+1..end, whose mean is this.
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = averageRank;
    tieSizes.push(end - start);
    start = end;
  }

  return { ranks, tieSizes };
}

/**
 * Counts the subsets of {1..n} by their sum: `counts[s]` is the number of
 * subsets summing to s, the null distribution of W+ times 2^n.
 */
function signedRankCounts(n: number): number[] {
  const maxSum = (n * (n + 1)) / 2;
  const counts = new Array<number>(maxSum + 1).fill(0);
  counts[0] = 1;
  for (let rank = 1; rank <= n; rank++) {
    for (let sum = maxSum; sum >= rank; sum--)
      counts[sum] += counts[sum - rank];
  }
  return counts;
}

/** Computes the exact two-sided p-value of W+ = w for n untied ranks. */
function exactSignedRankP(w: number, n: number): number {
  const counts = signedRankCounts(n);
  const total = 2 ** n;
  const maxSum = (n * (n + 1)) / 2;
  // The null distribution is symmetric around maxSum / 2, so the tail on
  // the side of the smaller sum, doubled, is the two-sided p-value.
  const smaller = Math.min(w, maxSum - w);
  let tail = 0;
  for (let sum = 0; sum <= smaller; sum++) tail += counts[sum];
  return Math.min(1, (2 * tail) / total);
}

/**
 * Runs the two-sided Wilcoxon signed-rank test of H0: the differences
 * a - b are symmetric around zero.
 *
 * Zero differences are dropped before ranking (Wilcoxon's original rule,
 * scipy's `zero_method="wilcox"`); tied absolute differences get average
 * ranks. The p-value is exact for up to 50 non-zero differences without
 * ties, otherwise from the normal approximation with the tie-corrected
 * variance n(n+1)(2n+1)/24 - Σ(t³ - t)/48 and no continuity correction.
 * When every difference is zero, the statistic is 0 and p = 1.
 */
export function wilcoxonSignedRank(
  a: readonly number[],
  b: readonly number[],
): WilcoxonResult {
  const all = pairedDifferences(a, b);
  const differences = all.filter((d) => d !== 0);
  const zeros = all.length - differences.length;
  const n = differences.length;
  if (n === 0) {
    return {
      statistic: 0,
      positiveRankSum: 0,
      pValue: 1,
      n,
      zeros,
      method: 'exact',
      z: Number.NaN,
    };
  }

  const { ranks, tieSizes } = averageRanks(differences.map(Math.abs));
  let positiveRankSum = 0;
  differences.forEach((d, i) => {
    if (d > 0) positiveRankSum += ranks[i];
  });
  const maxSum = (n * (n + 1)) / 2;
  const statistic = Math.min(positiveRankSum, maxSum - positiveRankSum);
  const hasTies = tieSizes.some((size) => size > 1);

  if (n <= WILCOXON_EXACT_MAX_N && !hasTies) {
    const pValue = exactSignedRankP(positiveRankSum, n);
    return {
      statistic,
      positiveRankSum,
      pValue,
      n,
      zeros,
      method: 'exact',
      z: Number.NaN,
    };
  }

  let tieCorrection = 0;
  for (const size of tieSizes) tieCorrection += size ** 3 - size;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieCorrection / 48;
  const z = (positiveRankSum - maxSum / 2) / Math.sqrt(variance);
  return {
    statistic,
    positiveRankSum,
    pValue: normalTwoSidedP(z),
    n,
    zeros,
    method: 'normal',
    z,
  };
}

/** Result of `mcNemarTest`. */
export interface McNemarResult {
  /** Pairs where `a` is 1 and `b` is 0. */
  onlyA: number;
  /** Pairs where `b` is 1 and `a` is 0. */
  onlyB: number;
  /** Exact two-sided p-value. */
  pValue: number;
}

/**
 * Runs McNemar's exact test on paired binary outcomes (each value 0 or 1,
 * such as per-user HR@10): under H0 the discordant pairs split as
 * Binomial(onlyA + onlyB, 1/2), and p = min(1, 2 P(X <= min(onlyA,
 * onlyB))). With no discordant pair p = 1. Throws on a value other than
 * 0 or 1, naming its index.
 */
export function mcNemarTest(
  a: readonly number[],
  b: readonly number[],
): McNemarResult {
  const differences = pairedDifferences(a, b);
  let onlyA = 0;
  let onlyB = 0;
  differences.forEach((d, i) => {
    if ((a[i] !== 0 && a[i] !== 1) || (b[i] !== 0 && b[i] !== 1)) {
      throw new RangeError(
        `McNemar's test needs values 0 or 1; pair ${i} is ` +
          `(${a[i]}, ${b[i]}). Use the t-test or Wilcoxon's for ` +
          'graded metrics.',
      );
    }
    if (d > 0) onlyA++;
    else if (d < 0) onlyB++;
  });
  const n = onlyA + onlyB;
  const k = Math.min(onlyA, onlyB);
  if (n === 0) return { onlyA, onlyB, pValue: 1 };
  return { onlyA, onlyB, pValue: Math.min(1, 2 * binomialHalfTail(k, n)) };
}

// P(X <= k) for X ~ Binomial(n, 1/2): summed term by term while 2^-n is a
// normal float64, else I_{1/2}(n - k, k + 1).
function binomialHalfTail(k: number, n: number): number {
  if (k >= n) return 1;
  if (n > 1000) return regularizedIncompleteBeta(0.5, n - k, k + 1);
  let term = 0.5 ** n;
  let sum = term;
  for (let i = 0; i < k; i++) {
    term = (term * (n - i)) / (i + 1);
    sum += term;
  }
  return sum;
}
