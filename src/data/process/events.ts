/**
 * Pure steps on the flat list of events: user slicing, rating filter and
 * duplicate removal. Each returns what it kept and how many it removed.
 */
import type { RawInteraction } from '../interactions.js';
import { sortIds } from './ids.js';

/** Result of a step that removes events. */
export interface Kept {
  kept: RawInteraction[];
  /** Number of events removed. */
  removed: number;
}

/**
 * Keeps the events of the first `count` users in the order of their
 * original ids. A `count` of 0 keeps every user.
 */
export function sliceUsers(events: RawInteraction[], count: number): Kept {
  if (count === 0) {
    return { kept: events, removed: 0 };
  }

  const users = new Set(
    sortIds(new Set(events.map((e) => e.user))).slice(0, count),
  );
  const kept = events.filter((event) => users.has(event.user));
  return { kept, removed: events.length - kept.length };
}

/**
 * Keeps events rated at least `minRating`. A `minRating` of 0 keeps every
 * event, rated or not, which treats ratings as implicit feedback.
 */
export function filterByRating(
  events: RawInteraction[],
  minRating: number,
): Kept {
  if (minRating === 0) {
    return { kept: events, removed: 0 };
  }

  const kept = events.filter((event) => (event.rating ?? 0) >= minRating);
  return { kept, removed: events.length - kept.length };
}

/**
 * Drops exact duplicates (same user, item and timestamp), keeping the first
 * in file order. Ratings are not compared: a re-rating at the same second
 * is the same interaction for sequence modelling.
 */
export function dropDuplicates(events: RawInteraction[]): Kept {
  const seen = new Set<string>();
  const kept: RawInteraction[] = [];
  for (const event of events) {
    // JSON quoting keeps ids containing separators from colliding.
    const key = JSON.stringify([event.user, event.item, event.timestamp]);
    if (!seen.has(key)) {
      seen.add(key);
      kept.push(event);
    }
  }

  return { kept, removed: events.length - kept.length };
}
