/** Ordering of original ids, used to re-index users and items. */

const digitsPattern = /^[0-9]+$/;

/**
 * Sorts ids numerically when every id is a decimal integer, and by UTF-16
 * code unit otherwise. Deciding once for the whole set keeps the order
 * total, because mixing the two comparisons per pair is not transitive.
 */
export function sortIds(ids: Iterable<string>): string[] {
  const sorted = [...ids];
  if (sorted.every((id) => digitsPattern.test(id))) {
    return sorted.sort(compareDecimal);
  }

  return sorted.sort(compareCodeUnits);
}

/** Compares strings by UTF-16 code unit, independent of the locale. */
export function compareCodeUnits(a: string, b: string): number {
  if (a === b) {
    return 0;
  }

  return a < b ? -1 : 1;
}

// Compares decimal strings of any length without converting to numbers.
function compareDecimal(a: string, b: string): number {
  const x = a.replace(/^0+(?=.)/, '');
  const y = b.replace(/^0+(?=.)/, '');
  if (x.length !== y.length) {
    return x.length - y.length;
  }

  return compareCodeUnits(x, y);
}
