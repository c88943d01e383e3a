/** Popularity statistics of item interaction counts. */

/**
 * Counts how often each item occurs in the histories. Items are indexed
 * from 1, so the count of item i is at position i - 1.
 */
export function interactionCounts(
  sequences: readonly number[][],
  numItems: number,
): number[] {
  const counts = new Array<number>(numItems).fill(0);
  for (const sequence of sequences) {
    for (const item of sequence) counts[item - 1] += 1;
  }

  return counts;
}

/**
 * Computes the Gini coefficient of the counts: 0 when every item is
 * equally popular, approaching 1 when one item has every interaction.
 */
export function giniCoefficient(counts: readonly number[]): number {
  const sorted = [...counts].sort((a, b) => a - b);
  const n = sorted.length;
  const total = sorted.reduce((sum, count) => sum + count, 0);
  if (n === 0 || total === 0) return 0;

  // With counts sorted ascending: G = sum((2i - n - 1) * x_i) / (n * sum x),
  // for i counted from 1.
  let weighted = 0;
  for (const [index, count] of sorted.entries()) {
    weighted += (2 * (index + 1) - n - 1) * count;
  }

  return weighted / (n * total);
}
