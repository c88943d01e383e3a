/**
 * Per-user chronological histories: grouping, ordering and truncation.
 */
import type { RawInteraction } from '../interactions.js';

/** Each user's events in time order, keyed by original user id. */
export type Histories = Map<string, RawInteraction[]>;

/**
 * Groups events by user and orders each history by timestamp. Events with
 * equal timestamps keep their order in the file, so the result does not
 * depend on the sort algorithm or on the order of the input array.
 */
export function groupHistories(events: RawInteraction[]): Histories {
  const histories: Histories = new Map();
  for (const event of events) {
    const history = histories.get(event.user);
    if (history) {
      history.push(event);
    } else {
      histories.set(event.user, [event]);
    }
  }

  for (const history of histories.values()) {
    history.sort((a, b) => a.timestamp - b.timestamp || a.order - b.order);
  }

  return histories;
}

/**
 * Keeps the latest `maxHistory` events of each user. A `maxHistory` of 0
 * keeps everything. Returns the number of events removed.
 */
export function truncateHistories(
  histories: Histories,
  maxHistory: number,
): number {
  if (maxHistory === 0) {
    return 0;
  }

  let removed = 0;
  for (const [user, history] of histories) {
    if (history.length > maxHistory) {
      removed += history.length - maxHistory;
      histories.set(user, history.slice(-maxHistory));
    }
  }

  return removed;
}
