/**
 * The window of a long node list that fits on screen, keeping the
 * selected row visible.
 */

/** A slice `[start, end)` of the list, and how many rows it hides. */
export interface ListWindow {
  start: number;
  end: number;
  hiddenAbove: number;
  hiddenBelow: number;
}

/**
 * Picks at most `maxRows` lines of a list of `count` rows, centred on
 * `selectedIndex`. When rows are hidden, one line above and one below go
 * to "n more" notes, so fewer list rows are shown.
 */
export function computeListWindow(
  count: number,
  selectedIndex: number,
  maxRows: number,
): ListWindow {
  if (count <= maxRows) {
    return { start: 0, end: count, hiddenAbove: 0, hiddenBelow: 0 };
  }

  const visible = Math.max(1, maxRows - 2);
  const centred = Math.max(0, selectedIndex) - Math.floor(visible / 2);
  const start = Math.min(count - visible, Math.max(0, centred));
  const end = start + visible;

  return { start, end, hiddenAbove: start, hiddenBelow: count - end };
}
