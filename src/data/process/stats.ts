/** Summary numbers of a re-indexed dataset. */

/** Length statistics of the histories. */
export interface HistoryStats {
  interactions: number;
  meanHistory: number;
  medianHistory: number;
  maxHistory: number;
  /** Interactions over users times items; 0 for an empty dataset. */
  density: number;
}

/** Computes history statistics of `sequences` over `numItems` items. */
export function describeHistories(
  sequences: readonly number[][],
  numItems: number,
): HistoryStats {
  const lengths = sequences.map((s) => s.length).sort((a, b) => a - b);
  const interactions = lengths.reduce((sum, n) => sum + n, 0);
  const users = lengths.length;
  const cells = users * numItems;
  return {
    interactions,
    meanHistory: users === 0 ? 0 : interactions / users,
    medianHistory: median(lengths),
    maxHistory: users === 0 ? 0 : lengths[users - 1],
    density: cells === 0 ? 0 : interactions / cells,
  };
}

function median(sorted: number[]): number {
  const n = sorted.length;
  if (n === 0) {
    return 0;
  }

  const middle = Math.floor(n / 2);
  return n % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}
