/**
 * The benchmark's data: a named dataset loaded and split by the product's
 * own code (`loadDataset`, `trainingSplit`, `buildTestCases`), written to
 * one JSON file that both trainers read.
 */
import { resolve } from 'node:path';
import type { Dataset } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import type { DatasetName } from '../../src/data/named-datasets.js';
import {
  buildTestCases,
  type TestCase,
} from '../../src/metrics/test-cases.js';
import { trainingSplit } from '../../src/models/split.js';

/** The training sequences and test cases of one dataset. */
export interface BenchData {
  numItems: number;
  /** Training history of each user that has a training position. */
  sequences: number[][];
  /** Full-ranking test cases: input history and held-out last item. */
  testCases: TestCase[];
}

/** Returns the datasets folder: DISTILLERY_DATA or ../shared/datasets. */
export function dataRoot(repoRoot: string): string {
  const fromEnv = process.env.DISTILLERY_DATA;
  return fromEnv
    ? resolve(fromEnv)
    : resolve(repoRoot, '..', 'shared', 'datasets');
}

/**
 * Loads the dataset that the `load-data` parameters `params` name, with
 * their filters, and splits it as the training and evaluation nodes do.
 */
export async function loadBenchData(
  params: Record<string, unknown>,
  dataDir: string,
): Promise<BenchData> {
  const name = params.dataset as string;
  if (name !== 'ml-100k' && name !== 'ml-latest-small') {
    throw new Error(
      `The benchmark reads only named datasets, but \`load-data\` has ` +
        `\`dataset: ${name}\`: use a pipeline on ml-100k or ml-latest-small.`,
    );
  }

  const dataset = await loadDataset(
    {
      dataset: name as DatasetName,
      dataDir,
      verifyChecksum: params.verifyChecksum as boolean,
    },
    {
      minRating: params.minRating as number,
      minUserInteractions: params.minUserInteractions as number,
      minItemInteractions: params.minItemInteractions as number,
      maxHistory: params.maxHistory as number,
      sliceUsers: params.sliceUsers as number,
    },
  );
  return benchData(dataset);
}

/** Splits a dataset as the training and evaluation nodes do. */
export function benchData(dataset: Dataset): BenchData {
  return {
    numItems: dataset.numItems,
    sequences: trainingSplit(dataset).sequences.map((entry) => entry.items),
    testCases: buildTestCases(dataset, 'test').cases,
  };
}
