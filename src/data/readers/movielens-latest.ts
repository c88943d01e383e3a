/**
 * Reader of the MovieLens "latest" layout (ml-latest-small, ml-latest):
 * `ratings.csv` (userId,movieId,rating,timestamp) and `movies.csv`
 * (movieId,title,genres), UTF-8 with a header line. Titles with commas are
 * quoted; genres are `|`-separated.
 */
import path from 'node:path';
import type { RawData, RawInteraction, RawItemInfo } from '../interactions.js';
import { readRecordFile } from './records.js';
import { parseIntegerId, parseRatingRecord, requireFields } from './fields.js';
import { DataError, quoteValue } from '../errors.js';
import type { TextRecord } from '../delimited-text.js';
import { parseTitleYear } from '../item-info.js';

/** Files of the latest layout that the reader reads. */
export const movieLensLatestFiles = ['ratings.csv', 'movies.csv'] as const;

const ratingColumns = ['userId', 'movieId', 'rating', 'timestamp'] as const;
const movieColumns = ['movieId', 'title', 'genres'];
const noGenres = '(no genres listed)';

/** Reads the latest layout from `folder` (for example `ml-latest-small/`). */
export async function readMovieLensLatest(folder: string): Promise<RawData> {
  const files = movieLensLatestFiles.map((name) => path.join(folder, name));
  const [ratingsFile, moviesFile] = files;
  return {
    interactions: await readRatings(ratingsFile),
    items: await readMovies(moviesFile),
    hasRatings: true,
    files,
  };
}

async function readRatings(file: string): Promise<RawInteraction[]> {
  const { header, records } = await readRecordFile(file, {
    encoding: 'utf-8',
    delimiter: ',',
    header: true,
  });
  checkHeader(header!, ratingColumns, file);
  return records.map((record, order) => {
    requireFields(record, 4, file, ratingColumns.join(','));
    return parseRatingRecord(record, order, file, ratingColumns);
  });
}

async function readMovies(file: string): Promise<Map<string, RawItemInfo>> {
  const { header, records } = await readRecordFile(file, {
    encoding: 'utf-8',
    delimiter: ',',
    header: true,
  });
  checkHeader(header!, movieColumns, file);
  const items = new Map<string, RawItemInfo>();
  for (const record of records) {
    requireFields(record, 3, file, movieColumns.join(','));
    const [id, rawTitle, genreList] = record.fields;
    const title = rawTitle.trim();
    const itemId = parseIntegerId(id, { file, record, column: 'movieId' });
    const genres =
      genreList === noGenres || genreList === '' ? [] : genreList.split('|');
    items.set(itemId, { title, genres, year: parseTitleYear(title) });
  }

  return items;
}

function checkHeader(
  header: TextRecord,
  expected: readonly string[],
  file: string,
): void {
  const received = header.fields.slice(0, expected.length).map((f) => f.trim());
  if (received.join(',') !== expected.join(',')) {
    throw new DataError(
      'missing-column',
      `Expected the header \`${expected.join(',')}\`; received ` +
        `${quoteValue(header.fields.join(','))}. Restore the published ` +
        'file, or read it with `dataset: file` and a `columns` mapping.',
      { file, line: header.line, value: header.fields.join(',') },
    );
  }
}
