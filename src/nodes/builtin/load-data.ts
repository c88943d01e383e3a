/**
 * The `load-data` node type: reads MovieLens or a generic interaction file,
 * filters and re-indexes it, and writes the dataset artifact that training
 * and evaluation nodes read (see `src/data/artifact.ts`).
 */
import path from 'node:path';
import {
  defineNodeType,
  type ArtifactRef,
  type DependencyPaths,
  type NodeContext,
} from '../node-type.js';
import { DataError, quoteValue } from '../../data/errors.js';
import { writeDataset } from '../../data/artifact.js';
import { loadDataset, sourceFiles, type DataSource } from '../../data/load.js';
import { namedDatasets, datasetNames } from '../../data/named-datasets.js';
import { ensureNamedDataset } from '../../data/download.js';
import type { ColumnMapping, ColumnRef } from '../../data/readers/delimited.js';
import type { TextEncoding } from '../../data/decode.js';

/** Parameters of `load-data`, as validated against the schema below. */
export interface LoadDataParams {
  dataset: 'ml-100k' | 'ml-latest-small' | 'file' | 'input';
  path: string;
  format: 'delimited' | 'user-item';
  delimiter: string;
  header: boolean;
  columns: Record<string, unknown>;
  encoding: TextEncoding;
  minRating: number;
  minUserInteractions: number;
  minItemInteractions: number;
  maxHistory: number;
  verifyChecksum: boolean;
  sliceUsers: number;
}

const columnDescription = (role: string) =>
  `Column of the ${role}: its header name, or its 1-based position.`;

/** The `load-data` node type. */
export const loadDataNodeType = defineNodeType<LoadDataParams>({
  name: 'load-data',
  version: '1',
  description:
    'Reads user-item interactions, orders, filters, re-indexes and splits ' +
    'them (leave-one-out), with item titles and genres.',
  module: import.meta.url,
  output: 'dataset',
  inputs: {
    source: {
      kind: 'files',
      description:
        'With `dataset: input`: the artifact (of a `command` node, for ' +
        'example) that contains the file at `path`.',
      optional: true,
    },
  },
  params: {
    dataset: {
      type: 'enum',
      values: [...datasetNames, 'file', 'input'],
      default: 'ml-100k',
      description:
        'A named dataset, found under the data folder or downloaded from ' +
        'GroupLens; `file` for the file at `path`; or `input` for the file ' +
        'at `path` inside the `source` input.',
    },
    path: {
      type: 'string',
      default: '',
      description:
        'With `dataset: file`: the interaction file, relative to the ' +
        'pipeline file unless absolute. With `dataset: input`: its path ' +
        "inside the `source` input's artifact.",
    },
    format: {
      type: 'enum',
      values: ['delimited', 'user-item'],
      default: 'delimited',
      description:
        'With `dataset: file`: `delimited` columns mapped by `columns`, or ' +
        '`user-item` lines of two blank-separated ids in time order.',
    },
    delimiter: {
      type: 'string',
      default: ',',
      description:
        'Field separator of a delimited file: one character, `\\t` or ' +
        '`tab`, or `whitespace`.',
    },
    header: {
      type: 'boolean',
      default: true,
      description: 'Whether the first line of a delimited file names columns.',
    },
    columns: {
      type: 'object',
      properties: {
        user: {
          type: 'json',
          default: 1,
          description: columnDescription('user id'),
        },
        item: {
          type: 'json',
          default: 2,
          description: columnDescription('item id'),
        },
        timestamp: {
          type: 'json',
          default: null,
          description:
            `${columnDescription('timestamp')} Default null: the file ` +
            'order is the time order.',
        },
        rating: {
          type: 'json',
          default: null,
          description: `${columnDescription('rating')} Default null: none.`,
        },
      },
      default: { user: 1, item: 2, timestamp: null, rating: null },
      description: 'Column of each field in a delimited file.',
    },
    encoding: {
      type: 'enum',
      values: ['utf-8', 'latin1'],
      default: 'utf-8',
      description:
        'Text encoding of the file at `path` (named datasets set their own).',
    },
    minRating: {
      type: 'number',
      min: 0,
      default: 0,
      description:
        'Keep interactions rated at least this. Default 0 keeps all, ' +
        'treating ratings as implicit feedback.',
    },
    minUserInteractions: {
      type: 'integer',
      min: 0,
      default: 5,
      description:
        'Drop users with fewer interactions, repeated with the item rule ' +
        'until stable. Users need at least 3 for the split in any case.',
    },
    minItemInteractions: {
      type: 'integer',
      min: 0,
      default: 0,
      description:
        'Drop items with fewer interactions, repeated with the user rule ' +
        'until stable. Default 0 keeps all items.',
    },
    maxHistory: {
      type: 'integer',
      min: 0,
      default: 0,
      description:
        "Keep only each user's latest N interactions, before the count " +
        'filters. Default 0 keeps all.',
    },
    verifyChecksum: {
      type: 'boolean',
      default: true,
      description:
        'Check named datasets against their pinned SHA-256. Set false to ' +
        'use a modified copy.',
    },
    sliceUsers: {
      type: 'integer',
      min: 0,
      default: 0,
      description:
        'Keep only the first N users by original id, before any filter, ' +
        'for small experiments. Default 0 keeps all.',
    },
  },

  async fileDependencies(params, paths) {
    // The `source` input's digest is already part of the cache key.
    if (params.dataset === 'input') return [];

    const source = toSource(params, paths);
    if (source.dataset === 'file') return sourceFiles(source);
    // A verified download has its pinned digests, so a missing named
    // dataset joins the key by them and `run` downloads it. Without
    // verification the content is unknown until the download, which
    // therefore happens here.
    const named = namedDatasets[source.dataset];
    if (!source.verifyChecksum) {
      await ensureNamedDataset(named, source.dataDir, {
        verifyChecksum: false,
      });
      return sourceFiles(source);
    }
    return sourceFiles(source).map((file) => ({
      path: file,
      sha256: named.pins[path.basename(file)],
    }));
  },

  run: runLoadData,
});

async function runLoadData(context: NodeContext<LoadDataParams>) {
  const { params, emit, signal } = context;
  if (context.inputs.source !== undefined && params.dataset !== 'input') {
    throw new DataError(
      'invalid-option',
      `Input \`source\` is read only with \`dataset: input\`; received ` +
        `\`dataset: ${params.dataset}\`. Set \`dataset: input\` or remove ` +
        'the input.',
    );
  }

  const source = toSource(params, context, context.inputs.source);
  emit({ kind: 'progress', phase: 'reading' });
  const dataset = await loadDataset(source, {
    minRating: params.minRating,
    minUserInteractions: params.minUserInteractions,
    minItemInteractions: params.minItemInteractions,
    maxHistory: params.maxHistory,
    sliceUsers: params.sliceUsers,
    signal,
    log: (level, message) => emit({ kind: 'log', level, message }),
  });
  signal.throwIfAborted();

  emit({ kind: 'progress', phase: 'writing' });
  await writeDataset(context.outDir, dataset);
  const { stats } = dataset;
  emit({
    kind: 'log',
    level: 'info',
    message:
      `${stats.source}: ${stats.users} users, ${stats.items} items, ` +
      `${stats.interactions} interactions of ${stats.rawInteractions} read.`,
  });
  return {
    metrics: {
      users: stats.users,
      items: stats.items,
      interactions: stats.interactions,
      density: stats.density,
    },
    summary: { stats },
  };
}

/**
 * Turns validated params into a data source description. `input` is the
 * `source` input's artifact, needed with `dataset: input`.
 */
export function toSource(
  params: LoadDataParams,
  paths: DependencyPaths,
  input?: ArtifactRef | ArtifactRef[],
): DataSource {
  if (params.dataset === 'input') return inputSource(params, input);
  if (params.dataset !== 'file') {
    return {
      dataset: params.dataset,
      dataDir: paths.dataDir,
      verifyChecksum: params.verifyChecksum,
    };
  }

  if (params.path === '') {
    throw new DataError(
      'invalid-option',
      '`path` is required with `dataset: file`. Set it to the interaction ' +
        'file, relative to the pipeline file.',
    );
  }

  return fileSource(params, path.resolve(paths.pipelineDir, params.path));
}

function inputSource(
  params: LoadDataParams,
  input: ArtifactRef | ArtifactRef[] | undefined,
): DataSource {
  const artifact = Array.isArray(input) ? input[0] : input;
  if (artifact === undefined || params.path === '') {
    throw new DataError(
      'invalid-option',
      '`dataset: input` needs the `source` input and `path`, the file ' +
        `inside its artifact; received ${
          artifact === undefined ? 'no `source` input' : 'no `path`'
        }. Add both, for example \`inputs: { source: filter }\`.`,
    );
  }

  return fileSource(params, path.resolve(artifact.dir, params.path));
}

function fileSource(params: LoadDataParams, file: string): DataSource {
  return {
    dataset: 'file',
    path: file,
    format: params.format,
    delimiter: params.delimiter,
    header: params.header,
    columns: toColumns(params.columns),
    encoding: params.encoding,
  };
}

function toColumns(columns: Record<string, unknown>): ColumnMapping {
  const mapping: Partial<ColumnMapping> = {};
  for (const role of ['user', 'item', 'timestamp', 'rating'] as const) {
    const value = columns[role];
    if (value === undefined || value === null) {
      if (role === 'user' || role === 'item') {
        throw invalidColumn(role, value);
      }

      continue;
    }

    if (typeof value !== 'string' && typeof value !== 'number') {
      throw invalidColumn(role, value);
    }

    mapping[role] = value as ColumnRef;
  }

  return mapping as ColumnMapping;
}

function invalidColumn(role: string, value: unknown): DataError {
  return new DataError(
    'invalid-option',
    `\`columns.${role}\` must be a column name or a 1-based column number; ` +
      `received ${quoteValue(String(JSON.stringify(value)))}. Write for ` +
      `example \`${role}: 1\` or \`${role}: userId\`.`,
  );
}
