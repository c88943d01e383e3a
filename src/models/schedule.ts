/**
 * Decay schedules of a loss weight over epochs.
 */

/** Decay rule of a weight over the epochs. */
export type DecaySchedule = 'none' | 'linear' | 'cosine';

/**
 * Returns the weight in `epoch` (from 1) of `epochs`. It is constant for
 * `none`. For `linear` and `cosine` it falls from `start` in epoch 1 to 0
 * in the last epoch, on a straight line or on a half cosine.
 */
export function decayedWeight(
  start: number,
  schedule: DecaySchedule,
  epoch: number,
  epochs: number,
): number {
  const progress = epochs > 1 ? (epoch - 1) / (epochs - 1) : 0;
  switch (schedule) {
    case 'none':
      return start;
    case 'linear':
      return start * (1 - progress);
    case 'cosine':
      return start * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
