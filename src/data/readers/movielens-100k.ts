/**
 * Reader of MovieLens-100K as published: `u.data` (tab-separated user, item,
 * rating, Unix timestamp), `u.item` (`|`-separated, Latin-1: id, title,
 * release date, video release date, IMDb URL, then 19 genre flags) and
 * `u.genre` (`name|index`, the names of the genre flags).
 */
import path from 'node:path';
import type { RawData, RawInteraction, RawItemInfo } from '../interactions.js';
import { readRecordFile } from './records.js';
import {
  parseIntegerId,
  parseRatingRecord,
  requireExactFields,
} from './fields.js';
import { DataError, quoteValue } from '../errors.js';
import { parseDateYear, parseTitleYear } from '../item-info.js';

/** Files of MovieLens-100K that the reader reads, relative to its folder. */
export const movieLens100kFiles = ['u.data', 'u.item', 'u.genre'] as const;

const itemFixedFields = 5;
const dataColumns = ['user id', 'item id', 'rating', 'timestamp'] as const;

// The flag of genre `unknown` marks a film without genres, so it is not
// kept as a genre of its own.
const noGenreName = 'unknown';

/** Reads MovieLens-100K from `folder` (the zip's `ml-100k/` folder). */
export async function readMovieLens100k(folder: string): Promise<RawData> {
  const files = movieLens100kFiles.map((name) => path.join(folder, name));
  const [dataFile, itemFile, genreFile] = files;
  const genres = await readGenreNames(genreFile);
  return {
    interactions: await readRatings(dataFile),
    items: await readItems(itemFile, genres),
    hasRatings: true,
    files,
  };
}

async function readRatings(file: string): Promise<RawInteraction[]> {
  const { records } = await readRecordFile(file, {
    encoding: 'utf-8',
    delimiter: '\t',
    header: false,
    quoting: false,
  });
  return records.map((record, order) => {
    requireExactFields(record, 4, file, 'user, item, rating, timestamp');
    return parseRatingRecord(record, order, file, dataColumns);
  });
}

async function readGenreNames(file: string): Promise<string[]> {
  const { records } = await readRecordFile(file, {
    encoding: 'latin1',
    delimiter: '|',
    header: false,
    quoting: false,
  });
  const names: string[] = [];
  for (const record of records) {
    requireExactFields(record, 2, file, 'name, index');
    const [name, index] = record.fields;
    const position = Number(
      parseIntegerId(index, {
        file,
        record,
        column: 'genre index',
      }),
    );
    names[position] = name;
  }

  return names;
}

async function readItems(
  file: string,
  genreNames: string[],
): Promise<Map<string, RawItemInfo>> {
  const { records } = await readRecordFile(file, {
    encoding: 'latin1',
    delimiter: '|',
    header: false,
    quoting: false,
  });
  const fieldCount = itemFixedFields + genreNames.length;
  const items = new Map<string, RawItemInfo>();
  for (const record of records) {
    requireExactFields(
      record,
      fieldCount,
      file,
      `id, title, release date, video date, URL and ${genreNames.length} ` +
        'genre flags',
    );
    const [id, title, releaseDate] = record.fields;
    const itemId = parseIntegerId(id, { file, record, column: 'item id' });
    const flags = record.fields.slice(itemFixedFields);
    const genres = flags.flatMap((flag, i) => {
      checkFlag(flag, file, record.line);
      const name = genreNames[i];
      return flag === '1' && name !== noGenreName ? [name] : [];
    });
    const year = parseTitleYear(title) ?? parseDateYear(releaseDate);
    items.set(itemId, { title: title.trim(), genres, year });
  }

  return items;
}

function checkFlag(flag: string, file: string, line: number): void {
  if (flag !== '0' && flag !== '1') {
    throw new DataError(
      'malformed-row',
      `A genre flag must be \`0\` or \`1\`; received ${quoteValue(flag)}. ` +
        'Restore the published `u.item`.',
      { file, line, value: flag },
    );
  }
}
