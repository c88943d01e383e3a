/**
 * Tiny in-memory datasets and configs for the model tests, small enough
 * that a few epochs train in seconds.
 */
import type { Dataset } from '../src/data/dataset.js';
import type { ModelConfig } from '../src/models/config.js';
import { Prng } from '../src/models/prng.js';

/**
 * A dataset with learnable structure: each user walks through the items
 * with a fixed stride from a random start, with one random item in ten.
 */
export function tinyDataset(users = 40, numItems = 50, seed = 7): Dataset {
  const prng = new Prng(seed);
  const sequences: number[][] = [];
  for (let u = 0; u < users; u++) {
    const length = 6 + prng.nextInt(10);
    let item = 1 + prng.nextInt(numItems);
    const history = [item];
    while (history.length < length) {
      item =
        prng.nextInt(10) === 0
          ? 1 + prng.nextInt(numItems)
          : (item % numItems) + 1;
      if (!history.includes(item)) history.push(item);
    }
    sequences.push(history);
  }
  const lengths = sequences.map((s) => s.length).sort((a, b) => a - b);
  const interactions = lengths.reduce((a, b) => a + b, 0);
  return {
    stats: {
      source: 'tiny-synthetic',
      rawInteractions: interactions,
      interactions,
      users,
      items: numItems,
      duplicatesDropped: 0,
      usersDropped: 0,
      itemsDropped: 0,
      meanHistory: interactions / users,
      medianHistory: lengths[Math.floor(users / 2)],
      maxHistory: lengths[lengths.length - 1],
      density: interactions / (users * numItems),
    },
    numItems,
    sequences,
    items: Array.from({ length: numItems }, (_, i) => ({
      index: i + 1,
      originalId: String(i + 1),
      title: `Item ${i + 1}`,
      genres: [i % 2 === 0 ? 'Even' : 'Odd'],
    })),
    userIds: sequences.map((_, u) => String(u + 1)),
  };
}

/** A student config for tests. */
export function tinyStudentConfig(
  overrides: Partial<ModelConfig> = {},
): ModelConfig {
  return {
    role: 'student',
    numItems: 50,
    maxLength: 12,
    embeddingSize: 8,
    hiddenSize: 8,
    blocks: 2,
    heads: 2,
    ffnMultiplier: 1,
    activation: 'relu',
    dropout: 0.2,
    head: 'tied',
    ...overrides,
  };
}
