/**
 * Loading a dataset from a source description: a named dataset under the
 * data folder (downloaded when absent) or a file in one of the generic
 * formats, then processing it into a {@link Dataset}.
 */
import path from 'node:path';
import type { Dataset } from './dataset.js';
import type { RawData } from './interactions.js';
import type { TextEncoding } from './decode.js';
import { namedDatasets, type DatasetName } from './named-datasets.js';
import { ensureNamedDataset } from './download.js';
import { readDelimited, type ColumnMapping } from './readers/delimited.js';
import { readUserItemLines } from './readers/user-item.js';
import { prepareDataset, type PrepareOptions } from './process/prepare.js';

/** A named dataset under `dataDir`. */
export interface NamedSource {
  dataset: DatasetName;
  dataDir: string;
  /** Whether to check files against the pinned SHA-256. Default true. */
  verifyChecksum?: boolean;
  /** Archive URL in place of the publisher's, for mirrors and tests. */
  url?: string;
}

/** An interaction file in one of the generic formats. */
export interface FileSource {
  dataset: 'file';
  /** Absolute path of the file. */
  path: string;
  format: 'delimited' | 'user-item';
  /** For `delimited`: the field separator. */
  delimiter: string;
  /** For `delimited`: whether the first line names the columns. */
  header: boolean;
  /** For `delimited`: which columns hold what. */
  columns: ColumnMapping;
  encoding: TextEncoding;
}

/** Source of a dataset: a named dataset or a file. */
export type DataSource = NamedSource | FileSource;

/** Options of {@link loadDataset} besides the source. */
export type LoadOptions = Omit<PrepareOptions, 'source'> & {
  signal?: AbortSignal;
};

/** Reads, filters, re-indexes and describes the dataset of `source`. */
export async function loadDataset(
  source: DataSource,
  options: LoadOptions = {},
): Promise<Dataset> {
  const raw = await readSource(source, options);
  return prepareDataset(raw, { ...options, source: sourceName(source) });
}

/** Reads the raw events and item information of `source`. */
export async function readSource(
  source: DataSource,
  options: Pick<LoadOptions, 'log' | 'signal'> = {},
): Promise<RawData> {
  if (source.dataset !== 'file') {
    const named = namedDatasets[source.dataset];
    const folder = await ensureNamedDataset(named, source.dataDir, {
      verifyChecksum: source.verifyChecksum,
      url: source.url,
      signal: options.signal,
      log: (message) => options.log?.('info', message),
    });
    return named.read(folder);
  }

  if (source.format === 'user-item') {
    return readUserItemLines(source.path, source.encoding);
  }

  return readDelimited(source.path, source);
}

/**
 * Lists the files `source` reads, without downloading or reading anything.
 * For a named dataset these are its pinned files under `dataDir`.
 */
export function sourceFiles(source: DataSource): string[] {
  if (source.dataset === 'file') {
    return [source.path];
  }

  const folder = path.join(source.dataDir, source.dataset);
  return Object.keys(namedDatasets[source.dataset].pins).map((name) =>
    path.join(folder, name),
  );
}

function sourceName(source: DataSource): string {
  return source.dataset === 'file'
    ? path.basename(source.path)
    : source.dataset;
}
