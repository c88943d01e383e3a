/** Counts in CLI messages, with the noun in the right number. */

/**
 * Returns `count` followed by the noun, such as `1 problem` or
 * `2 problems`. The plural defaults to the singular plus `s`.
 */
export function countOf(
  count: number,
  singular: string,
  plural = `${singular}s`,
): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
