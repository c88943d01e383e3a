import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMovieLens100k } from '../src/data/readers/movielens-100k.js';
import { readMovieLensLatest } from '../src/data/readers/movielens-latest.js';
import { readDelimited } from '../src/data/readers/delimited.js';
import { readUserItemLines } from '../src/data/readers/user-item.js';
import type { DataError } from '../src/data/errors.js';
import { catchDataError } from './data-helpers.js';

const fixtures = fileURLToPath(new URL('fixtures/data/', import.meta.url));
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'distillery-readers-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function writeScratch(name: string, content: string | Buffer) {
  const file = path.join(scratch, name);
  await writeFile(file, content);
  return file;
}

describe('readMovieLens100k', () => {
  it('reads ratings in file order', async () => {
    const raw = await readMovieLens100k(path.join(fixtures, 'ml-100k-mini'));
    expect(raw.interactions).toHaveLength(11);
    expect(raw.interactions[0]).toEqual({
      user: '1',
      item: '543',
      rating: 5,
      timestamp: 300,
      order: 0,
    });
    expect(raw.interactions[10].order).toBe(10);
    expect(raw.hasRatings).toBe(true);
  });

  it('decodes Latin-1 titles', async () => {
    const raw = await readMovieLens100k(path.join(fixtures, 'ml-100k-mini'));
    expect(raw.items.get('543')).toEqual({
      title: 'Misérables, Les (1995)',
      genres: ['Comedy', 'Drama'],
      year: 1995,
    });
  });

  it('takes the year from the release date', async () => {
    const raw = await readMovieLens100k(path.join(fixtures, 'ml-100k-mini'));
    expect(raw.items.get('600')?.year).toBe(1997);
  });

  it('drops the unknown genre flag', async () => {
    const raw = await readMovieLens100k(path.join(fixtures, 'ml-100k-mini'));
    expect(raw.items.get('3')).toEqual({ title: 'unknown', genres: [] });
  });

  it('lists the files it reads', async () => {
    const folder = path.join(fixtures, 'ml-100k-mini');
    const raw = await readMovieLens100k(folder);
    expect(raw.files.map((f) => path.relative(folder, f))).toEqual([
      'u.data',
      'u.item',
      'u.genre',
    ]);
  });
});

describe('readMovieLensLatest', () => {
  it('reads ratings despite BOM, CRLF and blanks', async () => {
    const folder = path.join(fixtures, 'ml-latest-mini');
    const raw = await readMovieLensLatest(folder);
    expect(raw.interactions.map((e) => [e.user, e.item, e.rating])).toEqual([
      ['1', '11', 4],
      ['1', '29', 3.5],
      ['1', '40', 5],
      ['2', '11', 2],
    ]);
    expect(raw.interactions[3].timestamp).toBe(1445714835);
  });

  it('reads quoted titles and genre lists', async () => {
    const raw = await readMovieLensLatest(
      path.join(fixtures, 'ml-latest-mini'),
    );
    expect(raw.items.get('29')).toEqual({
      title: 'City of Lost Children, The (Cité des enfants perdus, La) (1995)',
      genres: ['Adventure', 'Drama', 'Fantasy', 'Mystery', 'Sci-Fi'],
      year: 1995,
    });
    expect(raw.items.get('41')).toEqual({
      title: 'Say "Hello" (2001)',
      genres: [],
      year: 2001,
    });
    expect(raw.items.get('42')?.year).toBe(2006);
  });

  it('rejects an unexpected header', async () => {
    const folder = await mkdtemp(path.join(scratch, 'latest-'));
    await writeFile(path.join(folder, 'ratings.csv'), 'user,item\n1,2\n');
    const error = await catchDataError(readMovieLensLatest(folder));
    expect(error.reason).toBe('missing-column');
    expect(error.line).toBe(1);
    expect(error.message).toContain('userId,movieId,rating,timestamp');
  });
});

describe('readDelimited', () => {
  it('maps columns by header name', async () => {
    const file = await writeScratch(
      'named.csv',
      'when;who;what;score\n20;u1;i9;4\n10;u2;i8;3\n',
    );
    const raw = await readDelimited(file, {
      delimiter: ';',
      header: true,
      columns: {
        user: 'who',
        item: 'what',
        timestamp: 'when',
        rating: 'score',
      },
      encoding: 'utf-8',
    });
    expect(raw.interactions).toEqual([
      { user: 'u1', item: 'i9', timestamp: 20, rating: 4, order: 0 },
      { user: 'u2', item: 'i8', timestamp: 10, rating: 3, order: 1 },
    ]);
    expect(raw.hasRatings).toBe(true);
  });

  it('maps columns by 1-based position', async () => {
    const file = await writeScratch('tabs.tsv', 'x\ta\tb\ny\tc\td\n');
    const raw = await readDelimited(file, {
      delimiter: '\\t',
      header: false,
      columns: { user: 2, item: 3 },
      encoding: 'utf-8',
    });
    expect(raw.interactions).toEqual([
      { user: 'a', item: 'b', timestamp: 0, order: 0 },
      { user: 'c', item: 'd', timestamp: 1, order: 1 },
    ]);
    expect(raw.hasRatings).toBe(false);
  });

  it('reads Latin-1 when asked', async () => {
    const file = await writeScratch(
      'latin1.csv',
      Buffer.from('user,item\nJos\xe9,1\n', 'latin1'),
    );
    const raw = await readDelimited(file, {
      delimiter: ',',
      header: true,
      columns: { user: 'user', item: 'item' },
      encoding: 'latin1',
    });
    expect(raw.interactions[0].user).toBe('José');
  });

  it('rejects a column name missing from the header', async () => {
    const file = await writeScratch('cols.csv', 'a,b\n1,2\n');
    const error = await catchDataError(
      readDelimited(file, {
        delimiter: ',',
        header: true,
        columns: { user: 'a', item: 'item' },
        encoding: 'utf-8',
      }),
    );
    expect(error.reason).toBe('missing-column');
    expect(error.message).toContain('`a`, `b`');
    expect(error.message).toContain('`columns.item`');
  });

  it('rejects column names without a header', async () => {
    const file = await writeScratch('nohead.csv', '1,2\n');
    const error = await catchDataError(
      readDelimited(file, {
        delimiter: ',',
        header: false,
        columns: { user: 'user', item: 2 },
        encoding: 'utf-8',
      }),
    );
    expect(error.reason).toBe('invalid-option');
  });

  it('rejects column number 0', async () => {
    const file = await writeScratch('zero.csv', '1,2\n');
    const error = await catchDataError(
      readDelimited(file, {
        delimiter: ',',
        header: false,
        columns: { user: 0, item: 2 },
        encoding: 'utf-8',
      }),
    );
    expect(error.reason).toBe('invalid-option');
    expect(error.message).toContain('received 0');
  });
});

describe('readUserItemLines', () => {
  it('uses the file order as time', async () => {
    const file = await writeScratch('pairs.txt', 'b 7\na 3\n\nb 5\n');
    const raw = await readUserItemLines(file, 'utf-8');
    expect(raw.interactions).toEqual([
      { user: 'b', item: '7', timestamp: 0, order: 0 },
      { user: 'a', item: '3', timestamp: 1, order: 1 },
      { user: 'b', item: '5', timestamp: 2, order: 2 },
    ]);
  });

  it('rejects lines with three fields', async () => {
    const file = await writeScratch('triples.txt', 'a 1\na 2 3\n');
    const error = await catchDataError(readUserItemLines(file, 'utf-8'));
    expect(error.reason).toBe('malformed-row');
    expect(error.line).toBe(2);
    expect(error.message).toContain('`format: delimited`');
  });
});

// Each case writes `content` as a u.data, ratings.csv or delimited file
// and expects a DataError with `reason` at `line`.
const badDataCases: {
  name: string;
  file: string;
  content: string | Buffer;
  reason: DataError['reason'];
  line?: number;
  value?: string;
  mentions: string;
}[] = [
  {
    name: 'empty u.data',
    file: 'u.data',
    content: '\n\n',
    reason: 'empty-file',
    mentions: 'no data rows',
  },
  {
    name: 'header-only ratings.csv',
    file: 'ratings.csv',
    content: 'userId,movieId,rating,timestamp\r\n',
    reason: 'header-only',
    line: 1,
    mentions: 'header line but no data rows',
  },
  {
    name: 'short u.data row',
    file: 'u.data',
    content: '1\t2\t3\t4\n1\t2\t3\n',
    reason: 'short-row',
    line: 2,
    value: '1 | 2 | 3',
    mentions: 'Expected at least 4 fields',
  },
  {
    name: 'long u.data row',
    file: 'u.data',
    content: '1\t2\t3\t4\t5\n',
    reason: 'malformed-row',
    line: 1,
    value: '1 | 2 | 3 | 4 | 5',
    mentions: 'Expected 4 fields',
  },
  {
    name: 'non-numeric user id',
    file: 'u.data',
    content: '1\t2\t3\t4\nu7\t2\t3\t4\n',
    reason: 'invalid-id',
    line: 2,
    value: 'u7',
    mentions: '`user id`',
  },
  {
    name: 'non-numeric movie id',
    file: 'ratings.csv',
    content: 'userId,movieId,rating,timestamp\n1,tt0114709,4,5\n',
    reason: 'invalid-id',
    line: 2,
    value: 'tt0114709',
    mentions: '`movieId`',
  },
  {
    name: 'non-numeric timestamp',
    file: 'ratings.csv',
    content: 'userId,movieId,rating,timestamp\n1,2,4,2018-09-24\n',
    reason: 'invalid-timestamp',
    line: 2,
    value: '2018-09-24',
    mentions: 'Unix time',
  },
  {
    name: 'non-numeric rating',
    file: 'u.data',
    content: '1\t2\tfive\t4\n',
    reason: 'invalid-rating',
    line: 1,
    value: 'five',
    mentions: '`rating`',
  },
  {
    name: 'invalid UTF-8',
    file: 'ratings.csv',
    content: Buffer.from(
      'userId,movieId,rating,timestamp\n1,2,3,4\n1,\xe9,3,4\n',
      'latin1',
    ),
    reason: 'invalid-utf8',
    line: 3,
    value: '1,\uFFFD,3,4',
    mentions: '`encoding: latin1`',
  },
];

describe('bad data', () => {
  it.each(badDataCases)('$name', async (testCase) => {
    const folder = await mkdtemp(path.join(scratch, 'bad-'));
    const file = path.join(folder, testCase.file);
    await writeFile(file, testCase.content);
    await writeFile(path.join(folder, 'u.genre'), 'unknown|0\n');
    await writeFile(path.join(folder, 'movies.csv'), 'movieId,title,genres\n');
    const read =
      testCase.file === 'u.data'
        ? readMovieLens100k(folder)
        : readMovieLensLatest(folder);
    const error = await catchDataError(read);
    expect(error.reason).toBe(testCase.reason);
    expect(error.file).toBe(file);
    expect(error.line).toBe(testCase.line);
    expect(error.value).toBe(testCase.value);
    expect(error.message).toContain(testCase.mentions);
    const location = testCase.line ? `${file}:${testCase.line}: ` : `${file}: `;
    expect(error.message.startsWith(location)).toBe(true);
  });

  it('names a missing file', async () => {
    const folder = await mkdtemp(path.join(scratch, 'missing-'));
    const error = await catchDataError(readMovieLens100k(folder));
    expect(error.reason).toBe('missing-file');
    expect(error.file).toBe(path.join(folder, 'u.genre'));
  });
});
