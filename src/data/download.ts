/**
 * Finding a named dataset under the data folder, or downloading it from
 * its publisher. A download is fetched into memory and its dataset folder
 * is extracted into a temporary folder next to the destination. The pinned
 * files are verified there, and then the folder is renamed into place. A
 * rename within one file system is atomic, so `<dataDir>/<name>/` is either
 * absent or complete.
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { DataError } from './errors.js';
import { verifyPinnedFiles } from './checksum.js';
import type { NamedDataset } from './named-datasets.js';

/** Options of {@link ensureNamedDataset}. */
export interface EnsureOptions {
  /** Whether to check files against the pins. Default true. */
  verifyChecksum?: boolean;
  /** Archive URL in place of the publisher's, for mirrors and tests. */
  url?: string;
  /** Receives a note when a download starts and ends. */
  log?: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * Returns the folder of `dataset` under `dataDir`, downloading it first
 * when absent. A local copy is verified against the pins unless
 * `verifyChecksum` is false.
 */
export async function ensureNamedDataset(
  dataset: NamedDataset,
  dataDir: string,
  options: EnsureOptions = {},
): Promise<string> {
  const folder = path.join(dataDir, dataset.name);
  const verify = options.verifyChecksum ?? true;
  if (await exists(folder)) {
    if (verify) {
      await verifyPinnedFiles(folder, dataset.pins, localCopyFix(dataset));
    }

    return folder;
  }

  const url = options.url ?? dataset.url;
  options.log?.(`Downloading ${dataset.name} from ${url}.`);
  const archive = await download(url, folder, options.signal);
  await extractAtomically(archive, dataset, folder, verify, url);
  options.log?.(`Extracted ${dataset.name} into ${folder}.`);
  return folder;
}

function localCopyFix(dataset: NamedDataset): string {
  return (
    `Restore the file from ${dataset.url}, delete the folder so that ` +
    'Distillery downloads it again, or set `verifyChecksum: false` to use ' +
    'a modified copy.'
  );
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return false;
    }

    throw error;
  }
}

async function download(
  url: string,
  folder: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    throw downloadError(
      url,
      folder,
      `the request failed (${String(error)})`,
      error,
    );
  }

  if (!response.ok) {
    throw downloadError(
      url,
      folder,
      `the server returned HTTP ${response.status}`,
    );
  }

  return new Uint8Array(await response.arrayBuffer());
}

function downloadError(
  url: string,
  folder: string,
  problem: string,
  cause?: unknown,
) {
  return new DataError(
    'download-failed',
    `The dataset folder \`${folder}\` does not exist, and downloading ` +
      `${url} failed: ${problem}. Check the network, or download and ` +
      `unzip the archive so that \`${folder}\` exists, or point ` +
      '`--data-dir` or `DISTILLERY_DATA` at the folder that contains it.',
    { value: url, cause },
  );
}

async function extractAtomically(
  archive: Uint8Array,
  dataset: NamedDataset,
  folder: string,
  verify: boolean,
  url: string,
): Promise<void> {
  const parent = path.dirname(folder);
  const temp = path.join(
    parent,
    `.${dataset.name}.download-${randomBytes(6).toString('hex')}`,
  );
  await mkdir(temp, { recursive: true });
  try {
    await writeEntries(readArchive(archive, url), dataset.archiveFolder, temp);
    if (verify) {
      await verifyPinnedFiles(
        temp,
        dataset.pins,
        `The download from ${url} is not the published archive; retry, ` +
          'or download it by hand and check it.',
      );
    }

    await publish(temp, folder);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function readArchive(archive: Uint8Array, url: string) {
  try {
    return unzipSync(archive);
  } catch (error) {
    throw new DataError(
      'invalid-archive',
      `The file downloaded from ${url} is not a valid zip archive ` +
        `(${String(error)}). Retry, or download it by hand.`,
      { value: url, cause: error },
    );
  }
}

// Writes the entries under `prefix/` and nothing else. Entries whose path
// would leave the folder (`..`, absolute paths) are skipped.
async function writeEntries(
  entries: Record<string, Uint8Array>,
  prefix: string,
  target: string,
): Promise<void> {
  for (const [name, bytes] of Object.entries(entries)) {
    if (!name.startsWith(`${prefix}/`) || name.endsWith('/')) {
      continue;
    }

    const relative = name.slice(prefix.length + 1);
    const parts = relative.split('/');
    if (parts.some((part) => part === '..' || part === '')) {
      continue;
    }

    const file = path.join(target, ...parts);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
}

// Renames the verified folder into place. When another process published
// the same dataset first, its complete copy is kept.
async function publish(temp: string, folder: string): Promise<void> {
  try {
    await rename(temp, folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await exists(folder))) {
      return;
    }

    throw error;
  }
}
