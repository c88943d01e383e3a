/**
 * An example custom node type, `item-stats`: how concentrated the
 * interactions of a dataset are on its most popular items. It is declared
 * with the same API as the built-ins and registered by the
 * `distillery.config.ts` beside it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineNodeType, readDataset, type ArtifactRef } from 'distillery';
import { giniCoefficient, interactionCounts } from './popularity.js';

/** Parameters of `item-stats`. */
export interface ItemStatsParams {
  top: number;
}

/** The `item-stats` node type. */
export const itemStats = defineNodeType<ItemStatsParams>({
  name: 'item-stats',
  version: '1',
  description:
    'Counts interactions per item and reports the most popular items, ' +
    'their share of all interactions and the Gini coefficient.',
  // The child process that runs the node imports this module and finds
  // `itemStats` among its exports.
  module: import.meta.url,
  output: 'item-stats',
  inputs: {
    dataset: { kind: 'dataset', description: 'The dataset to describe.' },
  },
  params: {
    top: {
      type: 'integer',
      min: 1,
      default: 10,
      description: 'How many of the most popular items to list.',
    },
  },
  async run(context) {
    const ref = context.inputs.dataset as ArtifactRef;
    const dataset = await readDataset(ref.dir);
    const counts = interactionCounts(dataset.sequences, dataset.numItems);
    const total = counts.reduce((sum, count) => sum + count, 0);
    const ranked = dataset.items
      .map((item) => ({ title: item.title, count: counts[item.index - 1] }))
      .sort((a, b) => b.count - a.count);
    const top = ranked.slice(0, context.params.top);
    const topShare =
      top.reduce((sum, item) => sum + item.count, 0) / Math.max(total, 1);
    const gini = giniCoefficient(counts);

    await writeFile(
      join(context.outDir, 'item-stats.json'),
      `${JSON.stringify({ total, topShare, gini, top }, null, 2)}\n`,
    );
    context.emit({
      kind: 'log',
      level: 'info',
      message:
        `${top.length} items take ${(topShare * 100).toFixed(1)}% of ` +
        `${total} interactions; Gini ${gini.toFixed(3)}.`,
    });
    return { metrics: { interactions: total, topShare, gini } };
  },
});
