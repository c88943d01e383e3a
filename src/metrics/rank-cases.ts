/**
 * Ranks every test case's target with one recommender, batch by batch:
 * one `scoreAll` call per batch, then the full and sampled ranks from the
 * same score matrix.
 */
import type { Recommender } from '../models/recommender.js';
import { rankTargetsFull } from './full-ranking.js';
import { rankTargetsSampled } from './sampled-ranking.js';
import type { TestCase } from './test-cases.js';

/** Ranking protocol: full ranking, the sampled protocol, or both. */
export type EvaluationProtocol = 'full' | 'sampled' | 'both';

/** Options of `rankCases`. */
export interface RankCasesOptions {
  protocol: EvaluationProtocol;
  /** Test users scored per `scoreAll` call. */
  batchSize: number;
  /** Each case's sampled negatives; required unless protocol is `full`. */
  negatives?: readonly (readonly number[])[];
  /** Checked between batches; an aborted signal stops with its reason. */
  signal?: AbortSignal;
  /** Called after each batch with the number of cases ranked so far. */
  onBatch?(done: number, total: number): void;
}

/** Ranks of one recommender, in test case order, and its speed. */
export interface CaseRanks {
  /** Full-ranking ranks; absent when protocol is `sampled`. */
  full?: Int32Array;
  /** Sampled-protocol ranks; absent when protocol is `full`. */
  sampled?: Int32Array;
  /** Wall time of scoring and ranking, in milliseconds. */
  durationMs: number;
  /** Test users ranked per second of `durationMs`. */
  usersPerS: number;
}

/** Scores and ranks all cases with `recommender`. */
export function rankCases(
  recommender: Recommender,
  cases: readonly TestCase[],
  options: RankCasesOptions,
): CaseRanks {
  const wantFull = options.protocol !== 'sampled';
  const wantSampled = options.protocol !== 'full';
  if (wantSampled && options.negatives?.length !== cases.length) {
    throw new RangeError(
      `Internal error: the sampled protocol needs one negative list per ` +
        `case, received ${options.negatives?.length ?? 'none'} for ` +
        `${cases.length} cases.`,
    );
  }

  const full = wantFull ? new Int32Array(cases.length) : undefined;
  const sampled = wantSampled ? new Int32Array(cases.length) : undefined;
  const started = performance.now();

  for (let start = 0; start < cases.length; start += options.batchSize) {
    options.signal?.throwIfAborted();
    const batch = cases.slice(start, start + options.batchSize);
    const histories = batch.map((testCase) => testCase.history);
    const targets = batch.map((testCase) => testCase.target);

    // [batch, numItems + 1]
    const scores = recommender.scoreAll(histories);
    try {
      checkScoreShape(scores.shape, batch.length, recommender);
      full?.set(rankTargetsFull(scores, histories, targets), start);
      if (sampled && options.negatives) {
        const rows = options.negatives.slice(start, start + batch.length);
        sampled.set(rankTargetsSampled(scores, targets, rows), start);
      }
    } finally {
      scores.dispose();
    }
    options.onBatch?.(start + batch.length, cases.length);
  }

  const durationMs = performance.now() - started;
  const usersPerS = durationMs > 0 ? (cases.length * 1000) / durationMs : 0;
  return { full, sampled, durationMs, usersPerS };
}

/** Checks that `scoreAll` kept the interface's output shape. */
function checkScoreShape(
  shape: readonly number[],
  batch: number,
  recommender: Recommender,
): void {
  const expected = recommender.numItems + 1;
  if (shape.length === 2 && shape[0] === batch && shape[1] === expected) {
    return;
  }
  throw new RangeError(
    `\`scoreAll\` of ${recommender.description} returned shape ` +
      `[${shape.join(', ')}], expected [${batch}, ${expected}] ` +
      `(batch, numItems + 1): the model's item count must match the dataset.`,
  );
}
