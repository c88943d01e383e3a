/**
 * The numbers bench/train.ts prints: seconds per epoch from step times,
 * the loss agreement of the parity run, and the JSON line of one role.
 */
import type { TrainResult } from './job.js';

/** Largest relative loss difference that counts as agreement. */
export const PARITY_TOLERANCE = 1e-5;

/**
 * Estimates seconds per epoch as the mean step time after the first
 * step, which includes JIT and allocator warm-up, times the steps of an
 * epoch. With one step only, that step is used.
 */
export function perEpoch(stepTimes: number[], stepsPerEpoch: number): number {
  const timed = stepTimes.length > 1 ? stepTimes.slice(1) : stepTimes;
  const mean = timed.reduce((a, b) => a + b, 0) / timed.length;
  return mean * stepsPerEpoch;
}

/** Returns max |a - b| / |b| over the common prefix of two loss lists. */
export function maxRelativeDifference(a: number[], b: number[]): number {
  let max = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-30);
    max = Math.max(max, Number.isNaN(difference) ? Infinity : difference);
  }
  return max;
}

/** Rounds to 4 significant digits for the JSON line. */
export function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}

/** The results of one role that go into its JSON line. */
export interface RoleRuns {
  role: string;
  backend: string;
  stepsPerEpoch: number;
  ours: TrainResult;
  reference: TrainResult;
  oursParity: TrainResult;
  referenceParity: TrainResult;
}

/**
 * Builds the JSON line of one role: times per epoch (wall and CPU) and
 * their ratio ours / reference, NDCG@10, evaluation speed, peak RSS and
 * the parity run's largest loss difference.
 */
export function summarize(runs: RoleRuns): Record<string, unknown> {
  const { ours, reference, stepsPerEpoch } = runs;
  const oursEpoch = perEpoch(ours.stepSeconds, stepsPerEpoch);
  const referenceEpoch = perEpoch(reference.stepSeconds, stepsPerEpoch);
  const oursCpu = perEpoch(ours.stepCpuSeconds, stepsPerEpoch);
  const referenceCpu = perEpoch(reference.stepCpuSeconds, stepsPerEpoch);
  const parityDifference = maxRelativeDifference(
    runs.oursParity.losses,
    runs.referenceParity.losses,
  );
  return {
    model: runs.role,
    ours_epoch_s: round(oursEpoch),
    reference_epoch_s: round(referenceEpoch),
    ratio: round(oursEpoch / referenceEpoch),
    ours_epoch_cpu_s: round(oursCpu),
    reference_epoch_cpu_s: round(referenceCpu),
    cpu_ratio: round(oursCpu / referenceCpu),
    steps_timed: ours.stepSeconds.length,
    ours_ndcg10: round(ours.ndcg10 ?? Number.NaN),
    reference_ndcg10: round(reference.ndcg10 ?? Number.NaN),
    ours_eval_users_s: round(ours.evalUsersPerSecond ?? Number.NaN),
    reference_eval_users_s: round(reference.evalUsersPerSecond ?? Number.NaN),
    ours_peak_rss_mb: Math.round(ours.peakRssMb),
    reference_peak_rss_mb: Math.round(reference.peakRssMb),
    parity_steps: Math.min(
      runs.oursParity.losses.length,
      runs.referenceParity.losses.length,
    ),
    parity_max_rel_diff: Number(parityDifference.toPrecision(2)),
    parity_ours_ndcg10: round(runs.oursParity.ndcg10 ?? Number.NaN),
    parity_reference_ndcg10: round(
      runs.referenceParity.ndcg10 ?? Number.NaN,
    ),
    ours_threads: ours.threads,
    reference_threads: reference.threads,
    reference_backend: reference.backend,
    backend: runs.backend,
  };
}
