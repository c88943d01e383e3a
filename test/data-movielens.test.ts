import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../src/data/load.js';
import { readMovieLens100k } from '../src/data/readers/movielens-100k.js';
import { dataRoot } from './data-helpers.js';

const dataDir = dataRoot;

// Counts for the filtered variants were computed with an independent
// Python script over u.data (rating filter, then users below 5 and items
// below the minimum removed until stable).
describe('real MovieLens-100K', () => {
  it('has the published counts', async () => {
    const raw = await readMovieLens100k(path.join(dataDir, 'ml-100k'));
    expect(raw.interactions).toHaveLength(100_000);
    expect(new Set(raw.interactions.map((e) => e.user)).size).toBe(943);
    expect(new Set(raw.interactions.map((e) => e.item)).size).toBe(1682);
    expect(raw.items.size).toBe(1682);
  });

  it('decodes the Latin-1 title of item 543', async () => {
    const folder = path.join(dataDir, 'ml-100k');
    const bytes = await readFile(path.join(folder, 'u.item'));
    // The published file writes é as the single Latin-1 byte 0xE9.
    expect(bytes.includes(Buffer.from('Mis\xe9rables', 'latin1'))).toBe(true);
    const raw = await readMovieLens100k(folder);
    expect(raw.items.get('543')?.title).toBe('Misérables, Les (1995)');
  });

  it('keeps everything under the default filter', async () => {
    const dataset = await loadDataset({ dataset: 'ml-100k', dataDir });
    expect(dataset.stats).toMatchObject({
      rawInteractions: 100_000,
      interactions: 100_000,
      users: 943,
      items: 1682,
      duplicatesDropped: 0,
      usersDropped: 0,
      itemsDropped: 0,
    });
    expect(dataset.stats.density).toBeCloseTo(100_000 / (943 * 1682), 12);
    expect(Math.min(...dataset.sequences.map((s) => s.length))).toBe(20);
    expect(dataset.items[0].title).toBe('Toy Story (1995)');
  });

  it('applies 5-core filtering', async () => {
    const dataset = await loadDataset(
      { dataset: 'ml-100k', dataDir },
      { minItemInteractions: 5 },
    );
    expect(dataset.stats.interactions).toBe(99_287);
    expect(dataset.stats.users).toBe(943);
    expect(dataset.stats.items).toBe(1349);
    expect(dataset.stats.itemsDropped).toBe(333);
  });

  it('filters ratings below 4', async () => {
    const dataset = await loadDataset(
      { dataset: 'ml-100k', dataDir },
      { minRating: 4, minItemInteractions: 5 },
    );
    expect(dataset.stats.belowMinRating).toBe(100_000 - 55_375);
    expect(dataset.stats.interactions).toBe(54_413);
    expect(dataset.stats.users).toBe(938);
    expect(dataset.stats.items).toBe(1008);
  });
});

describe('real ml-latest-small', () => {
  it('has the published counts', async () => {
    const dataset = await loadDataset({ dataset: 'ml-latest-small', dataDir });
    // The README states 100836 ratings by 610 users; 9724 of its 9742
    // movies are rated, and every user has at least 20 ratings.
    expect(dataset.stats).toMatchObject({
      rawInteractions: 100_836,
      interactions: 100_836,
      users: 610,
      items: 9724,
      duplicatesDropped: 0,
      usersDropped: 0,
    });
    const item = dataset.items.find((entry) => entry.originalId === '11');
    expect(item?.title).toBe('American President, The (1995)');
    expect(item?.genres).toEqual(['Comedy', 'Drama', 'Romance']);
  });
});
