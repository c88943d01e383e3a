import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RawData, RawInteraction } from '../src/data/interactions.js';
import {
  dropDuplicates,
  filterByRating,
  sliceUsers,
} from '../src/data/process/events.js';
import {
  groupHistories,
  truncateHistories,
} from '../src/data/process/histories.js';
import { filterCore } from '../src/data/process/core-filter.js';
import { sortIds } from '../src/data/process/ids.js';
import { reindex } from '../src/data/process/reindex.js';
import {
  countTestOnlyItems,
  splitLeaveOneOut,
} from '../src/data/process/split.js';
import { prepareDataset } from '../src/data/process/prepare.js';
import { readMovieLens100k } from '../src/data/readers/movielens-100k.js';
import { DataError } from '../src/data/errors.js';

const fixtures = fileURLToPath(new URL('fixtures/data/', import.meta.url));

/** Builds events from `user item timestamp [rating]` strings. */
function events(...rows: string[]): RawInteraction[] {
  return rows.map((row, order) => {
    const [user, item, timestamp, rating] = row.split(' ');
    const event: RawInteraction = {
      user,
      item,
      timestamp: Number(timestamp),
      order,
    };
    if (rating !== undefined) {
      event.rating = Number(rating);
    }

    return event;
  });
}

const itemsOf = (history: RawInteraction[] | undefined) =>
  history?.map((event) => event.item);

function raw(interactions: RawInteraction[], hasRatings = false): RawData {
  return { interactions, items: new Map(), hasRatings, files: ['f'] };
}

describe('sortIds', () => {
  it('sorts integer ids numerically', () => {
    expect(sortIds(['10', '9', '100', '007'])).toEqual([
      '007',
      '9',
      '10',
      '100',
    ]);
  });

  it('sorts mixed ids by code unit', () => {
    expect(sortIds(['10', '9', 'a', 'B'])).toEqual(['10', '9', 'B', 'a']);
  });
});

describe('event steps', () => {
  it('keeps the first users by id', () => {
    const input = events('10 a 1', '2 b 1', '9 c 1', '2 d 2');
    const { kept, removed } = sliceUsers(input, 2);
    expect(kept.map((e) => e.user)).toEqual(['2', '9', '2']);
    expect(removed).toBe(1);
  });

  it('keeps all users with slice 0', () => {
    const input = events('1 a 1', '2 b 1');
    expect(sliceUsers(input, 0)).toEqual({ kept: input, removed: 0 });
  });

  it('filters ratings below the minimum', () => {
    const input = events('1 a 1 5', '1 b 2 3.5', '1 c 3 4');
    const { kept, removed } = filterByRating(input, 4);
    expect(kept.map((e) => e.item)).toEqual(['a', 'c']);
    expect(removed).toBe(1);
  });

  it('keeps every rating with minimum 0', () => {
    const input = events('1 a 1 0.5', '1 b 2');
    expect(filterByRating(input, 0).kept).toHaveLength(2);
  });

  it('drops exact duplicates keeping the first', () => {
    const input = events('1 a 5 3', '1 a 5 4', '1 a 6', '2 a 5', '1 b 5');
    const { kept, removed } = dropDuplicates(input);
    expect(kept.map((e) => e.order)).toEqual([0, 2, 3, 4]);
    expect(removed).toBe(1);
  });
});

describe('groupHistories', () => {
  it('orders each history by timestamp', () => {
    const histories = groupHistories(events('1 c 30', '1 a 10', '1 b 20'));
    expect(itemsOf(histories.get('1'))).toEqual(['a', 'b', 'c']);
  });

  it('breaks timestamp ties by file order', () => {
    const input = events('1 z 5', '1 y 5', '1 a 9', '1 x 5', '1 b 1');
    const histories = groupHistories(input);
    expect(itemsOf(histories.get('1'))).toEqual(['b', 'z', 'y', 'x', 'a']);
  });

  it('ties ignore the input array order', () => {
    const input = events('1 z 5', '1 y 5', '1 x 5');
    const histories = groupHistories([...input].reverse());
    expect(itemsOf(histories.get('1'))).toEqual(['z', 'y', 'x']);
  });

  it('keeps the latest events when truncating', () => {
    const histories = groupHistories(
      events('1 a 1', '1 b 2', '1 c 3', '2 d 1'),
    );
    const removed = truncateHistories(histories, 2);
    expect(itemsOf(histories.get('1'))).toEqual(['b', 'c']);
    expect(itemsOf(histories.get('2'))).toEqual(['d']);
    expect(removed).toBe(1);
  });
});

describe('filterCore', () => {
  const options = {
    minUserInteractions: 3,
    minItemInteractions: 2,
    minSplitInteractions: 3,
  };

  // Item x occurs once, so it goes first; user 2 then has 2 events and
  // goes; item w then has 1 event and goes; user 1 then has 2 events and
  // goes. Only users 3 and 4 on items y and z remain.
  const chain = events(
    '1 w 1',
    '1 y 2',
    '1 z 3',
    '2 w 1',
    '2 x 2',
    '2 y 3',
    '3 y 1',
    '3 z 2',
    '3 y 3',
    '4 z 1',
    '4 y 2',
    '4 z 3',
  );

  it('repeats until stable', () => {
    const histories = groupHistories(chain);
    const result = filterCore(histories, options);
    expect([...histories.keys()]).toEqual(['3', '4']);
    expect(result.usersFiltered).toBe(2);
    expect(result.itemsDropped).toBe(2);
    expect(result.interactionsDropped).toBe(6);
    expect(result.passes).toBeGreaterThanOrEqual(3);
  });

  it('leaves every count at or above the minimums', () => {
    const histories = groupHistories(chain);
    filterCore(histories, options);
    const counts = new Map<string, number>();
    for (const history of histories.values()) {
      expect(history.length).toBeGreaterThanOrEqual(3);
      for (const event of history) {
        counts.set(event.item, (counts.get(event.item) ?? 0) + 1);
      }
    }

    for (const count of counts.values()) {
      expect(count).toBeGreaterThanOrEqual(2);
    }
  });

  it('counts users too short for the split apart', () => {
    const histories = groupHistories(
      events('1 a 1', '1 b 2', '2 a 1', '2 b 2', '2 c 3', '3 a 1'),
    );
    const result = filterCore(histories, {
      minUserInteractions: 2,
      minItemInteractions: 0,
      minSplitInteractions: 3,
    });
    expect([...histories.keys()]).toEqual(['2']);
    expect(result.usersFiltered).toBe(1);
    expect(result.usersTooShort).toBe(1);
  });
});

describe('reindex', () => {
  it('numbers users from 0 and items from 1 by id', () => {
    const histories = groupHistories(events('20 i10 1', '3 i2 1', '20 i2 2'));
    const result = reindex(
      histories,
      new Map([['i2', { title: 'Two (1990)', genres: ['Drama'], year: 1990 }]]),
    );
    expect(result.userIds).toEqual(['3', '20']);
    expect(result.items.map((item) => item.originalId)).toEqual(['i10', 'i2']);
    expect(result.sequences).toEqual([[2], [1, 2]]);
    expect(result.items[1]).toEqual({
      index: 2,
      originalId: 'i2',
      title: 'Two (1990)',
      genres: ['Drama'],
      year: 1990,
    });
    expect(result.items[0]).toEqual({
      index: 1,
      originalId: 'i10',
      title: '',
      genres: [],
    });
    expect(result.itemsWithoutInfo).toBe(1);
  });
});

describe('split', () => {
  it('holds out the last two items', () => {
    expect(splitLeaveOneOut([5, 6, 7, 8])).toEqual({
      train: [5, 6],
      validInput: [5, 6],
      validTarget: 7,
      testInput: [5, 6, 7],
      testTarget: 8,
    });
  });

  it('splits the shortest history', () => {
    const split = splitLeaveOneOut([1, 2, 3]);
    expect(split.train).toEqual([1]);
    expect(split.validTarget).toBe(2);
    expect(split.testTarget).toBe(3);
  });

  it('rejects histories shorter than 3', () => {
    expect(() => splitLeaveOneOut([1, 2])).toThrow(/Internal error/);
  });

  it('counts items seen only as test targets', () => {
    // Item 9 is only a test target; item 3 is a test target of user 0 but
    // a validation target of user 1, so the model has seen it.
    expect(
      countTestOnlyItems([
        [1, 2, 3],
        [1, 3, 9],
        [2, 1, 9],
      ]),
    ).toBe(1);
  });
});

describe('prepareDataset', () => {
  it('processes the 100K fixture', async () => {
    const data = await readMovieLens100k(path.join(fixtures, 'ml-100k-mini'));
    const logs: string[] = [];
    const dataset = prepareDataset(data, {
      source: 'mini',
      minUserInteractions: 0,
      log: (level, message) => logs.push(`${level}: ${message}`),
    });
    expect(dataset.userIds).toEqual(['1', '2']);
    expect(dataset.items.map((item) => item.originalId)).toEqual([
      '1',
      '2',
      '3',
      '543',
      '600',
    ]);
    // User 1: 1@50, 3@100, 2@100 (tie in file order), 543@300.
    expect(dataset.sequences).toEqual([
      [1, 3, 2, 4],
      [2, 1, 4, 5],
    ]);
    expect(dataset.numItems).toBe(5);
    expect(dataset.stats).toMatchObject({
      source: 'mini',
      rawInteractions: 11,
      interactions: 8,
      users: 2,
      items: 5,
      duplicatesDropped: 1,
      usersDropped: 1,
      usersTooShort: 1,
      itemsDropped: 0,
      testOnlyItems: 1,
      meanHistory: 4,
      medianHistory: 4,
      maxHistory: 4,
      density: 0.8,
    });
    expect(logs).toContain(
      'warn: Dropped 1 users with fewer than 3 interactions, too few for ' +
        'the leave-one-out split (train, validation, test).',
    );
    expect(logs.some((line) => line.includes('1 duplicate events'))).toBe(true);
  });

  it('applies minRating before the filter', async () => {
    const data = await readMovieLens100k(path.join(fixtures, 'ml-100k-mini'));
    const dataset = prepareDataset(data, {
      source: 'mini',
      minRating: 3,
      minUserInteractions: 0,
    });
    // Ratings below 3: (1, 2, 2) and (2, 543, 1). User 2 keeps 3 events.
    expect(dataset.stats.belowMinRating).toBe(2);
    expect(dataset.sequences).toEqual([
      [1, 3, 4],
      [2, 1, 5],
    ]);
    expect(dataset.items.map((item) => item.originalId)).toEqual([
      '1',
      '2',
      '3',
      '543',
      '600',
    ]);
  });

  it('truncates before the count filter', () => {
    const input = events(
      '1 a 1',
      '1 b 2',
      '1 c 3',
      '1 d 4',
      '2 a 1',
      '2 b 2',
      '2 c 3',
    );
    const dataset = prepareDataset(raw(input), {
      source: 't',
      maxHistory: 3,
      minUserInteractions: 3,
    });
    expect(dataset.stats.truncatedInteractions).toBe(1);
    expect(dataset.sequences).toEqual([
      [2, 3, 4],
      [1, 2, 3],
    ]);
  });

  it('rejects minRating without ratings', () => {
    expect(() =>
      prepareDataset(raw(events('1 a 1')), { source: 't', minRating: 4 }),
    ).toThrow(DataError);
  });

  it('fails when no user is left', () => {
    try {
      prepareDataset(raw(events('1 a 1', '1 b 2', '1 c 3')), { source: 't' });
      expect.unreachable();
    } catch (error) {
      expect((error as DataError).reason).toBe('no-users-left');
      expect((error as DataError).message).toContain('minUserInteractions 5');
    }
  });

  it('applies the default user minimum of 5', () => {
    const input = events(
      '1 a 1',
      '1 b 2',
      '1 c 3',
      '1 d 4',
      '1 e 5',
      '2 a 1',
      '2 b 2',
      '2 c 3',
      '2 d 4',
    );
    const dataset = prepareDataset(raw(input), { source: 't' });
    expect(dataset.userIds).toEqual(['1']);
    expect(dataset.stats.usersDropped).toBe(1);
    expect(dataset.stats.usersTooShort).toBe(0);
  });
});
