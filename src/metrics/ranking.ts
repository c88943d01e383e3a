/**
 * Ranking metrics of next-item prediction with one relevant item (the
 * target) per test case.
 *
 * Rank rule, shared by every protocol in this folder:
 * - Candidates are the items 1..numItems, minus padding (0) and minus the
 *   items of the user's input history, because recommending an item the
 *   user already consumed is not a useful prediction.
 * - The target is always a candidate, even when it also appears in the
 *   history (a re-consumed item). Masking every history item, as some
 *   implementations do, would make such a case a miss whatever the model
 *   scores. Keeping the target scores the model on it.
 * - Ties count against the target (pessimistic): rank = 1 + the number of
 *   other candidates scoring greater than or equal to the target. A model
 *   that scores everything equal therefore ranks the target last, not
 *   first.
 * - A NaN target score ranks last; other NaN scores never outrank it,
 *   because every comparison with NaN is false.
 */

/** Options of the ranking metrics. */
export interface RankingMetricOptions {
  /** Cut-offs K of HR@K and NDCG@K, for example [10, 20]. */
  ks: readonly number[];
}

/** Per-case metric values, in test case order. */
export type PerCaseMetrics = Record<string, Float64Array>;

/**
 * Computes the pessimistic 1-based rank of `target` among the candidates
 * of one score row (`scores[i]` is the score of item i; 0 is padding).
 * The plain-JS reference for the batched tensor ranking.
 */
export function rankOfTarget(
  scores: ArrayLike<number>,
  target: number,
  history: readonly number[],
): number {
  const excluded = new Set(history);
  excluded.add(0);
  excluded.delete(target);

  const targetScore = scores[target];
  let candidates = 0;
  let atLeastAsHigh = 0;
  for (let item = 0; item < scores.length; item++) {
    if (excluded.has(item)) continue;
    candidates++;
    if (item !== target && scores[item] >= targetScore) atLeastAsHigh++;
  }

  return Number.isNaN(targetScore) ? candidates : atLeastAsHigh + 1;
}

/** Computes the hit ratio at K: 1 if rank <= K, else 0. */
export function hitRatioAtK(rank: number, k: number): number {
  return rank <= k ? 1 : 0;
}

/**
 * Computes NDCG at K with binary relevance and one relevant item:
 * 1 / log2(rank + 1) if rank <= K, else 0. The ideal DCG is 1.
 */
export function ndcgAtK(rank: number, k: number): number {
  return rank <= k ? 1 / Math.log2(rank + 1) : 0;
}

/** Computes the reciprocal rank 1 / rank (MRR is its mean). */
export function reciprocalRank(rank: number): number {
  return 1 / rank;
}

/** Names of the per-case metrics for the given cut-offs, in order. */
export function metricNames(ks: readonly number[]): string[] {
  const names: string[] = [];
  for (const k of ks) names.push(`hr@${k}`, `ndcg@${k}`);
  names.push('mrr');
  return names;
}

/** Computes HR@K, NDCG@K for each K, and the reciprocal rank per case. */
export function metricsFromRanks(
  ranks: ArrayLike<number>,
  options: RankingMetricOptions,
): PerCaseMetrics {
  const result: PerCaseMetrics = {};
  for (const k of options.ks) {
    result[`hr@${k}`] = Float64Array.from(ranks, (rank) =>
      hitRatioAtK(rank, k),
    );
    result[`ndcg@${k}`] = Float64Array.from(ranks, (rank) => ndcgAtK(rank, k));
  }
  result.mrr = Float64Array.from(ranks, reciprocalRank);
  return result;
}

/**
 * Averages per-case metrics over the cases whose indices are given (all
 * cases when `indices` is omitted). Returns NaN for an empty selection.
 */
export function averageMetrics(
  perCase: PerCaseMetrics,
  indices?: readonly number[],
): Record<string, number> {
  const averages: Record<string, number> = {};
  for (const [name, values] of Object.entries(perCase)) {
    const selected = indices ?? values.keys();
    let sum = 0;
    let count = 0;
    for (const index of selected) {
      sum += values[index];
      count++;
    }
    averages[name] = count === 0 ? Number.NaN : sum / count;
  }
  return averages;
}
