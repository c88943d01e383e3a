/**
 * Small fake recommenders and datasets for the evaluation tests: models
 * whose score matrices are known, so expected metrics can be computed by
 * hand.
 */
import { tf } from '../src/engine/index.js';
import type { Dataset } from '../src/data/dataset.js';
import type { Recommender } from '../src/models/recommender.js';
import type { EvaluateParams } from '../src/nodes/builtin/evaluate.js';
import type {
  ArtifactDigest,
  ArtifactRef,
  CacheKey,
} from '../src/nodes/node-type.js';

/** A recommender plus a flag telling whether it was disposed. */
export interface FakeRecommender extends Recommender {
  disposed: boolean;
}

/** Creates a model that scores every history with the same row. */
export function fixedRowModel(
  row: number[],
  description = 'fixed row',
): FakeRecommender {
  const model: FakeRecommender = {
    description,
    numItems: row.length - 1,
    maxLength: 50,
    disposed: false,
    scoreAll(histories) {
      return tf.tidy(() =>
        tf.tile(tf.tensor2d([row]), [histories.length, 1]),
      ) as tf.Tensor2D;
    },
    dispose() {
      model.disposed = true;
    },
  };
  return model;
}

/**
 * Creates a random embedding model: the history's representation is the
 * mean embedding of its last `maxLength` items, and scores are its dot
 * products with every item embedding, `[batch, numItems + 1]`.
 */
export function randomEmbeddingModel(
  numItems: number,
  dim: number,
  seed: number,
  maxLength = 50,
): FakeRecommender {
  // [numItems + 1, dim]; row 0 is padding.
  const embeddings = tf.randomNormal(
    [numItems + 1, dim],
    0,
    1,
    'float32',
    seed,
  );
  const model: FakeRecommender = {
    description: `random embeddings d=${dim}`,
    numItems,
    maxLength,
    disposed: false,
    scoreAll(histories) {
      // The mean is a product with a [batch, numItems + 1] weight matrix,
      // 1/length at each kept history item, so the work stays in matMul.
      const coordinates: number[] = [];
      const weights: number[] = [];
      histories.forEach((history, row) => {
        const kept = history.slice(-maxLength);
        for (const item of kept) {
          coordinates.push(row, item);
          weights.push(1 / kept.length);
        }
      });
      return tf.tidy(() => {
        const indices = tf.tensor2d(coordinates, [weights.length, 2], 'int32');
        const averaging = tf.scatterND(indices, tf.tensor1d(weights), [
          histories.length,
          numItems + 1,
        ]) as tf.Tensor2D;
        // [batch, dim], then [batch, numItems + 1].
        const users = tf.matMul(averaging, embeddings);
        return tf.matMul(users, embeddings, false, true) as tf.Tensor2D;
      });
    },
    dispose() {
      embeddings.dispose();
      model.disposed = true;
    },
  };
  return model;
}

/** Wraps histories as a dataset with placeholder side information. */
export function datasetOf(sequences: number[][], numItems: number): Dataset {
  const interactions = sequences.reduce((sum, s) => sum + s.length, 0);
  return {
    stats: {
      source: 'test',
      rawInteractions: interactions,
      interactions,
      users: sequences.length,
      items: numItems,
      duplicatesDropped: 0,
      usersDropped: 0,
      itemsDropped: 0,
      meanHistory: interactions / sequences.length,
      medianHistory: 0,
      maxHistory: Math.max(...sequences.map((s) => s.length)),
      density: interactions / (sequences.length * numItems),
    },
    numItems,
    sequences,
    items: Array.from({ length: numItems }, (_, i) => ({
      index: i + 1,
      originalId: String(100 + i),
      title: `Item ${i + 1}`,
      genres: [],
    })),
    userIds: sequences.map((_, u) => `user-${u}`),
  };
}

/**
 * The hand-made dataset of the evaluation tests: 6 items, 5 users, of
 * whom user 3 is too short to split and user 4 re-consumes its target.
 * Training counts (s[0..n-3]) are item 1: 2, 2: 3, 3: 3, 4: 2, 5: 0, 6: 1.
 */
export const handMadeSequences = [
  [1, 2, 3, 4, 5],
  [2, 3, 1, 6],
  [4, 1, 2],
  [5, 6],
  [3, 1, 2, 4, 6, 5, 2],
];

/** The node's default parameters, as the schema fills them in. */
export const defaultParams: EvaluateParams = {
  ks: [10, 20],
  split: 'test',
  protocol: 'full',
  negatives: 100,
  coldItemThreshold: 5,
  sparseUserThreshold: 30,
  batchSize: 256,
  seed: 42,
};

/** Creates an input artifact reference to a folder, as the runner would. */
export function artifactRef(
  producer: string,
  dir: string,
  kind: string,
): ArtifactRef {
  return {
    key: `key-${producer}` as CacheKey,
    digest: `digest-${producer}` as ArtifactDigest,
    dir,
    kind,
    producer,
    summary: {},
  };
}
