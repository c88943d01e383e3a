/**
 * A minimal MovieLens-100K reader for the training benchmark, so the
 * benchmark does not depend on the `load-data` node. Histories are ordered
 * by timestamp and split leave-one-out as in `src/data/dataset.ts`.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Training and test sequences of every user with at least 3 items. */
export interface BenchData {
  numItems: number;
  /** Training history of each user: all but the last two items. */
  train: number[][];
  /** Test input (all but the last item) and target, per user. */
  testHistories: number[][];
  testTargets: number[];
}

/** Returns the dataset folder: DISTILLERY_DATA or ../shared/datasets. */
export function dataRoot(repoRoot: string): string {
  const fromEnv = process.env.DISTILLERY_DATA;
  return fromEnv ? resolve(fromEnv) : resolve(repoRoot, '..', 'shared',
    'datasets');
}

/** Reads `ml-100k/u.data` and splits every user's history. */
export function loadMovieLens100k(root: string): BenchData {
  const text = readFileSync(join(root, 'ml-100k', 'u.data'), 'utf8');
  const rows = text
    .trim()
    .split('\n')
    .map((line) => line.split('\t').map(Number) as [number, number, number, number]);

  // Items are re-indexed from 1 in ascending order of their original id.
  const itemIds = [...new Set(rows.map((row) => row[1]))].sort((a, b) => a - b);
  const itemIndex = new Map(itemIds.map((id, i) => [id, i + 1]));
  const byUser = new Map<number, { item: number; time: number; order: number }[]>();
  rows.forEach(([user, item, , time], order) => {
    const list = byUser.get(user) ?? [];
    list.push({ item: itemIndex.get(item)!, time, order });
    byUser.set(user, list);
  });

  const data: BenchData = {
    numItems: itemIds.length,
    train: [],
    testHistories: [],
    testTargets: [],
  };
  const users = [...byUser.keys()].sort((a, b) => a - b);
  for (const user of users) {
    const events = byUser.get(user)!;
    events.sort((a, b) => a.time - b.time || a.order - b.order);
    const items = events.map((event) => event.item);
    if (items.length < 3) continue;
    data.train.push(items.slice(0, -2));
    data.testHistories.push(items.slice(0, -1));
    data.testTargets.push(items[items.length - 1]!);
  }

  return data;
}

/** A seeded generator (mulberry32) for weights and batch order. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns `epochs` shuffled user orders, one per epoch. */
export function epochOrders(users: number, epochs: number, seed: number): number[][] {
  const random = seededRandom(seed);
  const orders: number[][] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = Array.from({ length: users }, (_, i) => i);
    for (let i = users - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    orders.push(order);
  }

  return orders;
}
