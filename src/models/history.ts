/**
 * Per-epoch training records, stored in checkpoints, in `history.json`
 * and in node summaries so reports can plot convergence.
 */

/** Metrics of one finished epoch. */
export interface EpochRecord {
  /** Epoch number, counting from 1. */
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  /** Validation HR@10 after the epoch. */
  validHr10: number;
  /** Validation NDCG@10 after the epoch. */
  validNdcg10: number;
  /** Wall-clock seconds the epoch's training steps took. */
  trainSeconds: number;
  /** Training throughput in sequences per second. */
  sequencesPerS: number;
}
