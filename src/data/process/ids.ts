/** Ordering of original ids, used to re-index users and items. */

const digitsPattern = /^[0-9]+$/;

/**
 * Sorts ids numerically when every id is a decimal integer and by code
 * point otherwise. Deciding once for the whole set keeps the order total
 * (mixing the two comparisons per pair is not transitive).
 */
export function sortIds(ids: Iterable<string>): string[] {
  const sorted = [...ids];
  if (sorted.every((id) => digitsPattern.test(id))) {
    return sorted.sort(compareDecimal);
  }

  return sorted.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// Compares decimal strings of any length without converting to numbers.
function compareDecimal(a: string, b: string): number {
  const x = a.replace(/^0+(?=.)/, '');
  const y = b.replace(/^0+(?=.)/, '');
  if (x.length !== y.length) {
    return x.length - y.length;
  }

  return x < y ? -1 : x > y ? 1 : 0;
}
