/**
 * Re-indexing: users from 0 and items from 1 (0 is padding), both in the
 * order of their original ids (numeric when every id is an integer). Order
 * by original id, rather than by first appearance, keeps an item's index
 * independent of which users a slice or filter keeps before it.
 */
import type { ItemInfo } from '../dataset.js';
import type { RawItemInfo } from '../interactions.js';
import type { Histories } from './histories.js';
import { sortIds } from './ids.js';

/** The re-indexed form of filtered histories. */
export interface Reindexed {
  /** Item indices of each user's history, users in `userIds` order. */
  sequences: number[][];
  userIds: string[];
  /** Side information, `items[i - 1]` for item index i. */
  items: ItemInfo[];
  /** Items the source gave no side information for. */
  itemsWithoutInfo: number;
}

/** Re-indexes `histories`, attaching side information from `itemInfo`. */
export function reindex(
  histories: Histories,
  itemInfo: Map<string, RawItemInfo>,
): Reindexed {
  const userIds = sortIds(histories.keys());
  const itemIds = sortIds(collectItems(histories));
  const itemIndex = new Map(itemIds.map((id, i) => [id, i + 1]));
  const sequences = userIds.map((user) =>
    histories.get(user)!.map((event) => itemIndex.get(event.item)!),
  );
  let itemsWithoutInfo = 0;
  const items = itemIds.map((originalId, i): ItemInfo => {
    const info = itemInfo.get(originalId);
    if (!info) {
      itemsWithoutInfo += 1;
    }

    return describeItem(i + 1, originalId, info);
  });
  return { sequences, userIds, items, itemsWithoutInfo };
}

function collectItems(histories: Histories): Set<string> {
  const items = new Set<string>();
  for (const history of histories.values()) {
    for (const event of history) {
      items.add(event.item);
    }
  }

  return items;
}

// Items without side information get an empty title and no genres, so text
// features treat them as unknown rather than inventing a title.
function describeItem(
  index: number,
  originalId: string,
  info: RawItemInfo | undefined,
): ItemInfo {
  const item: ItemInfo = {
    index,
    originalId,
    title: info?.title ?? '',
    genres: info?.genres ?? [],
  };
  if (info?.year !== undefined) {
    item.year = info.year;
  }

  return item;
}
