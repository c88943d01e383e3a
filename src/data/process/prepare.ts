/**
 * The processing pipeline from raw events to a {@link Dataset}, in this
 * order: user slice, rating filter, duplicate removal, per-user ordering,
 * `maxHistory` truncation, iterative minimum-count filtering (with the
 * split's minimum of 3), re-indexing, statistics.
 *
 * Truncation comes before the count filter so that the minimums hold for
 * the histories that are finally kept.
 */
import type { Dataset, DatasetStats } from '../dataset.js';
import type { RawData } from '../interactions.js';
import { DataError } from '../errors.js';
import { dropDuplicates, filterByRating, sliceUsers } from './events.js';
import { groupHistories, truncateHistories } from './histories.js';
import { filterCore, type CoreFilterResult } from './core-filter.js';
import { reindex } from './reindex.js';
import { countTestOnlyItems, minSplitInteractions } from './split.js';
import { describeHistories } from './stats.js';

/** Processing options; every count is of interactions. */
export interface PrepareOptions {
  /** Source name for `stats.source`, such as `ml-100k` or a file path. */
  source: string;
  /** Keep events rated at least this; 0 keeps all. Default 0. */
  minRating?: number;
  /** Minimum history length of a user. Default 5. */
  minUserInteractions?: number;
  /** Minimum interactions of an item; 0 keeps all. Default 0. */
  minItemInteractions?: number;
  /** Keep only each user's latest events; 0 keeps all. Default 0. */
  maxHistory?: number;
  /** Keep the first N users by original id; 0 keeps all. Default 0. */
  sliceUsers?: number;
  /** Receives notes about dropped data, for the node's log. */
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** Turns raw events into a filtered, re-indexed dataset. */
export function prepareDataset(raw: RawData, options: PrepareOptions): Dataset {
  const log = options.log ?? (() => {});
  const minRating = options.minRating ?? 0;
  checkRatings(raw, minRating);

  const sliced = sliceUsers(raw.interactions, options.sliceUsers ?? 0);
  const rated = filterByRating(sliced.kept, minRating);
  const unique = dropDuplicates(rated.kept);
  const histories = groupHistories(unique.kept);
  const truncated = truncateHistories(histories, options.maxHistory ?? 0);
  const usersBefore = histories.size;
  const filter = filterCore(histories, {
    minUserInteractions: options.minUserInteractions ?? 5,
    minItemInteractions: options.minItemInteractions ?? 0,
    minSplitInteractions,
  });
  reportDrops(log, unique.removed, filter);
  checkUsersLeft(histories.size, usersBefore, options);

  const { sequences, userIds, items, itemsWithoutInfo } = reindex(
    histories,
    raw.items,
  );
  const stats: DatasetStats = {
    source: options.source,
    rawInteractions: raw.interactions.length,
    ...describeHistories(sequences, items.length),
    users: sequences.length,
    items: items.length,
    duplicatesDropped: unique.removed,
    usersDropped: filter.usersFiltered + filter.usersTooShort,
    itemsDropped: filter.itemsDropped,
    testOnlyItems: countTestOnlyItems(sequences),
    usersTooShort: filter.usersTooShort,
    belowMinRating: rated.removed,
    truncatedInteractions: truncated,
    itemsWithoutInfo,
  };
  return { stats, numItems: items.length, sequences, items, userIds };
}

function checkRatings(raw: RawData, minRating: number): void {
  if (minRating > 0 && !raw.hasRatings) {
    throw new DataError(
      'no-ratings',
      `\`minRating\` is ${minRating}, but the source has no ratings. Set ` +
        '`minRating: 0`, or map a rating column in `columns.rating`.',
      { file: raw.files[0] },
    );
  }
}

function reportDrops(
  log: NonNullable<PrepareOptions['log']>,
  duplicates: number,
  filter: CoreFilterResult,
): void {
  if (duplicates > 0) {
    log(
      'info',
      `Dropped ${duplicates} duplicate events (same user, item ` +
        'and timestamp); the first in file order was kept.',
    );
  }

  if (filter.usersTooShort > 0) {
    log(
      'warn',
      `Dropped ${filter.usersTooShort} users with fewer than ` +
        `${minSplitInteractions} interactions, too few for the ` +
        'leave-one-out split (train, validation, test).',
    );
  }

  log(
    'info',
    `Minimum-count filter: ${filter.usersFiltered} users, ` +
      `${filter.itemsDropped} items and ${filter.interactionsDropped} ` +
      `interactions removed in ${filter.passes} ` +
      `pass${filter.passes === 1 ? '' : 'es'}.`,
  );
}

function checkUsersLeft(
  usersLeft: number,
  usersBefore: number,
  options: PrepareOptions,
): void {
  if (usersLeft === 0) {
    throw new DataError(
      'no-users-left',
      `No user of ${options.source} is left after filtering (` +
        `${usersBefore} users before the minimum-count filter, ` +
        `minUserInteractions ${options.minUserInteractions ?? 5}, ` +
        `minItemInteractions ${options.minItemInteractions ?? 0}). Lower ` +
        'the minimums or `minRating`, or raise `sliceUsers`.',
    );
  }
}
