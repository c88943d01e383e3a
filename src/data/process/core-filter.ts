/**
 * Iterative minimum-count filtering (a k-core on the user-item graph):
 * removing sparse items shortens some histories below the user minimum and
 * removing users lowers some item counts, so both rules repeat until a pass
 * removes nothing.
 */
import type { Histories } from './histories.js';

/** Minimum counts; every count is of interactions. */
export interface CoreFilterOptions {
  /** Users with fewer interactions are removed. */
  minUserInteractions: number;
  /** Items with fewer interactions are removed; 0 or 1 keeps all. */
  minItemInteractions: number;
  /**
   * Minimum interactions a user needs for the leave-one-out split (3: one
   * to train on, one to validate, one to test). Users above the filter
   * minimum but below this one are counted apart, in `usersTooShort`.
   */
  minSplitInteractions: number;
}

/** Counts of what the filter removed. */
export interface CoreFilterResult {
  /** Users removed by `minUserInteractions`. */
  usersFiltered: number;
  /** Users removed only because they were too short for the split. */
  usersTooShort: number;
  /** Items whose every interaction was removed. */
  itemsDropped: number;
  /** Interactions removed. */
  interactionsDropped: number;
  /** Passes until stable, for logs. */
  passes: number;
}

/** Filters `histories` in place until every remaining count passes. */
export function filterCore(
  histories: Histories,
  options: CoreFilterOptions,
): CoreFilterResult {
  const itemsBefore = countItems(histories).size;
  const interactionsBefore = countInteractions(histories);
  const result = { usersFiltered: 0, usersTooShort: 0, passes: 0 };
  let changed = true;
  while (changed) {
    result.passes += 1;
    const usersRemoved = removeShortUsers(histories, options, result);
    const eventsRemoved = removeRareItems(histories, options);
    changed = usersRemoved > 0 || eventsRemoved > 0;
  }

  return {
    ...result,
    itemsDropped: itemsBefore - countItems(histories).size,
    interactionsDropped: interactionsBefore - countInteractions(histories),
  };
}

function removeShortUsers(
  histories: Histories,
  options: CoreFilterOptions,
  counts: { usersFiltered: number; usersTooShort: number },
): number {
  let removed = 0;
  for (const [user, history] of histories) {
    if (history.length < options.minUserInteractions) {
      counts.usersFiltered += 1;
    } else if (history.length < options.minSplitInteractions) {
      counts.usersTooShort += 1;
    } else {
      continue;
    }

    histories.delete(user);
    removed += 1;
  }

  return removed;
}

function removeRareItems(
  histories: Histories,
  options: CoreFilterOptions,
): number {
  if (options.minItemInteractions <= 1) {
    return 0;
  }

  const counts = countItems(histories);
  let removed = 0;
  for (const [user, history] of histories) {
    const kept = history.filter(
      (event) => counts.get(event.item)! >= options.minItemInteractions,
    );
    removed += history.length - kept.length;
    histories.set(user, kept);
  }

  return removed;
}

function countItems(histories: Histories): Map<string, number> {
  const counts = new Map<string, number>();
  for (const history of histories.values()) {
    for (const event of history) {
      counts.set(event.item, (counts.get(event.item) ?? 0) + 1);
    }
  }

  return counts;
}

function countInteractions(histories: Histories): number {
  let total = 0;
  for (const history of histories.values()) {
    total += history.length;
  }

  return total;
}
