/**
 * Datasets known by name, with where to download them and the SHA-256 of
 * the files the readers use.
 *
 * The pins are digests of the individual extracted files, not of the zip:
 * they were computed from copies of the files of the published archives
 * (ml-100k.zip, and ml-latest-small.zip generated on 26 September 2018
 * according to its README). A download is verified against them after
 * extraction, and pinning files rather than the archive lets a local copy
 * be verified the same way.
 *
 * Note: GroupLens describes ml-latest-small as "latest", so a re-release
 * would fail verification; `verifyChecksum: false` accepts it.
 */
import type { RawData } from './interactions.js';
import { readMovieLens100k } from './readers/movielens-100k.js';
import { readMovieLensLatest } from './readers/movielens-latest.js';

/** Names accepted by `dataset:`. */
export type DatasetName = 'ml-100k' | 'ml-latest-small';

/** A dataset that can be found locally or downloaded by name. */
export interface NamedDataset {
  name: DatasetName;
  /** The publisher's zip archive. */
  url: string;
  /** Folder inside the zip that contains the files, without a slash. */
  archiveFolder: string;
  /** SHA-256 (hex) of each file the reader reads, by file name. */
  pins: Readonly<Record<string, string>>;
  /** Reads the dataset from its folder. */
  read(folder: string): Promise<RawData>;
}

/** The named datasets. */
export const namedDatasets: Readonly<Record<DatasetName, NamedDataset>> = {
  'ml-100k': {
    name: 'ml-100k',
    url: 'https://files.grouplens.org/datasets/movielens/ml-100k.zip',
    archiveFolder: 'ml-100k',
    pins: {
      'u.data':
        '06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490',
      'u.item':
        '553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701',
      'u.genre':
        '9757e0d3e6b298159a80dd48eaf938114690e911e39af97a76949ef1663610bb',
    },
    read: readMovieLens100k,
  },
  'ml-latest-small': {
    name: 'ml-latest-small',
    url: 'https://files.grouplens.org/datasets/movielens/ml-latest-small.zip',
    archiveFolder: 'ml-latest-small',
    pins: {
      'ratings.csv':
        '80da8b3393dae325bbba5a31f291a6ba55d8d4f4396de3c456f2c1635b1b70e8',
      'movies.csv':
        'c47b783f23eb304413307e1bb05335e427737da20ec8d3c0e96335567dd5f3dc',
    },
    read: readMovieLensLatest,
  },
};

/** Names of the named datasets, for the parameter schema. */
export const datasetNames = Object.keys(namedDatasets) as DatasetName[];
