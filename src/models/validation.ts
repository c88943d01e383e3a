/**
 * Validation during training: full ranking of each user's validation item
 * against every item, with the user's history items left out, reported as
 * HR@10 and NDCG@10. The `evaluate` node owns test-time metrics; this is
 * the early-stopping signal only.
 */
import type { Recommender } from './recommender.js';
import type { ValidationCase } from './split.js';
import { Prng } from './prng.js';

/** Cutoff of the validation metrics. */
export const VALIDATION_CUTOFF = 10;

/** Users scored per `scoreAll` call during validation. */
const VALIDATION_BATCH_SIZE = 256;

/** Mean validation metrics over the scored users. */
export interface ValidationMetrics {
  hr10: number;
  ndcg10: number;
  users: number;
}

/**
 * Picks at most `maxUsers` cases with a seeded shuffle, keeping their
 * original order; `maxUsers` 0 keeps every case.
 */
export function sampleCases(
  cases: ValidationCase[],
  maxUsers: number,
  seed: number,
): ValidationCase[] {
  if (maxUsers === 0 || cases.length <= maxUsers) return cases;
  const picked = new Prng(seed)
    .shuffle(cases.map((_, i) => i))
    .slice(0, maxUsers)
    .sort((a, b) => a - b);
  return picked.map((i) => cases[i]);
}

/** Ranks each case's target among all items and averages HR and NDCG. */
export function validate(
  model: Recommender,
  cases: ValidationCase[],
): ValidationMetrics {
  let hits = 0;
  let gain = 0;
  for (let start = 0; start < cases.length; start += VALIDATION_BATCH_SIZE) {
    const batch = cases.slice(start, start + VALIDATION_BATCH_SIZE);
    const scores = model.scoreAll(batch.map((c) => c.history));
    const values = scores.dataSync() as Float32Array;
    scores.dispose();
    batch.forEach((c, row) => {
      const rowScores = values.subarray(
        row * (model.numItems + 1),
        (row + 1) * (model.numItems + 1),
      );
      const rank = targetRank(rowScores, c.history, c.target);
      if (rank < VALIDATION_CUTOFF) {
        hits += 1;
        gain += 1 / Math.log2(rank + 2);
      }
    });
  }
  const users = cases.length;
  return {
    hr10: users ? hits / users : 0,
    ndcg10: users ? gain / users : 0,
    users,
  };
}

/**
 * Returns the 0-based rank of `target`: the number of other items scored
 * at least as high, skipping padding and history items. Counting ties
 * against the target keeps a model with constant scores from looking
 * perfect; a NaN target score ranks last.
 */
export function targetRank(
  scores: Float32Array,
  history: number[],
  target: number,
): number {
  const excluded = new Set(history);
  excluded.delete(target);
  const targetScore = scores[target];
  if (Number.isNaN(targetScore)) return scores.length;
  let rank = 0;
  for (let item = 1; item < scores.length; item++) {
    if (item !== target && scores[item] >= targetScore && !excluded.has(item)) {
      rank += 1;
    }
  }
  return rank;
}
