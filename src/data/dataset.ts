/**
 * The dataset artifact that `load-data` writes and every training and
 * evaluation node reads. Items are re-indexed from 1; index 0 is padding.
 * Users are re-indexed from 0 in the order of their original ids.
 *
 * Split (leave-one-out): for user u with chronological history s of length
 * n >= 3, training uses s[0..n-3], validation predicts s[n-2] from
 * s[0..n-3], and test predicts s[n-1] from s[0..n-2].
 */

/** Side information of one item. */
export interface ItemInfo {
  /** Re-indexed id, from 1. */
  index: number;
  /** Id in the source file. */
  originalId: string;
  title: string;
  genres: string[];
  /** Release year, when the title or file gives one. */
  year?: number;
}

/** Counts and facts about the loading, stored in `dataset.json`. */
export interface DatasetStats {
  /** Source name, for example `ml-100k` or a file path. */
  source: string;
  rawInteractions: number;
  interactions: number;
  users: number;
  items: number;
  duplicatesDropped: number;
  usersDropped: number;
  itemsDropped: number;
  /** Mean, median and max history length after filtering. */
  meanHistory: number;
  medianHistory: number;
  maxHistory: number;
  density: number;
  /**
   * Items that occur only as a test target (in no training sequence and as
   * no validation target). They stay in the dataset; see `split.ts`.
   */
  testOnlyItems?: number;
  /** Users dropped because fewer than 3 interactions remained. */
  usersTooShort?: number;
  /** Interactions removed by `minRating`. */
  belowMinRating?: number;
  /** Interactions removed by `maxHistory` truncation. */
  truncatedInteractions?: number;
  /** Items the source gave no title or genres for. */
  itemsWithoutInfo?: number;
}

/** A loaded, filtered, re-indexed dataset. */
export interface Dataset {
  stats: DatasetStats;
  /** Number of items; valid item indices are 1..numItems. */
  numItems: number;
  /** Full chronological history of each user, as item indices. */
  sequences: number[][];
  /** Item side information, `items[i - 1]` for item index i. */
  items: ItemInfo[];
  /** Original user id of each re-indexed user. */
  userIds: string[];
}
