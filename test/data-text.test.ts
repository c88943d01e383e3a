import { describe, expect, it } from 'vitest';
import type { ItemInfo } from '../src/data/dataset.js';
import {
  buildVocabulary,
  encodeGenres,
  encodeTitles,
  listGenres,
  tokenizeTitle,
} from '../src/data/text.js';

const item = (
  index: number,
  title: string,
  genres: string[] = [],
): ItemInfo => ({
  index,
  originalId: String(index * 10),
  title,
  genres,
});

const items = [
  item(1, 'Toy Story (1995)', ['Animation', 'Comedy']),
  item(2, 'Toy Story 2 (1999)', ['Comedy']),
  item(3, 'Misérables, Les (1995)', ['Drama']),
  item(4, 'Story of Us, The (1999)'),
];

describe('tokenizeTitle', () => {
  it('lowercases and drops the year', () => {
    expect(tokenizeTitle('Toy Story 2 (1999)')).toEqual(['toy', 'story', '2']);
  });

  it('splits on punctuation and keeps accents', () => {
    expect(tokenizeTitle('Misérables, Les (1995)')).toEqual([
      'misérables',
      'les',
    ]);
    expect(tokenizeTitle("Schindler's List (1993)")).toEqual([
      'schindler',
      's',
      'list',
    ]);
  });

  it('keeps years that are not trailing', () => {
    expect(tokenizeTitle('2001: A Space Odyssey (1968)')).toEqual([
      '2001',
      'a',
      'space',
      'odyssey',
    ]);
  });
});

describe('buildVocabulary', () => {
  it('orders words by title count then text', () => {
    const vocabulary = buildVocabulary(items);
    expect(vocabulary.tokens).toEqual([
      '<pad>',
      '<unk>',
      'story',
      'toy',
      '2',
      'les',
      'misérables',
      'of',
      'the',
      'us',
    ]);
    expect(vocabulary.ids.get('story')).toBe(2);
  });

  it('keeps words in at least minCount titles', () => {
    const vocabulary = buildVocabulary(items, 2);
    expect(vocabulary.tokens).toEqual(['<pad>', '<unk>', 'story', 'toy']);
  });

  it('counts a word once per title', () => {
    const vocabulary = buildVocabulary(
      [item(1, 'New York, New York (1977)')],
      2,
    );
    expect(vocabulary.tokens).toEqual(['<pad>', '<unk>']);
  });
});

describe('encodeTitles', () => {
  it('pads, cuts and marks unknown words', () => {
    const vocabulary = buildVocabulary(items, 2);
    const matrix = encodeTitles(items, vocabulary, 3);
    expect(matrix).toBeInstanceOf(Int32Array);
    expect(matrix.length).toBe(5 * 3);
    const rows = [0, 1, 2, 3, 4].map((i) => [
      ...matrix.slice(i * 3, i * 3 + 3),
    ]);
    expect(rows).toEqual([
      [0, 0, 0],
      [3, 2, 0],
      [3, 2, 1],
      [1, 1, 0],
      [2, 1, 1],
    ]);
  });
});

describe('genres', () => {
  it('encodes multi-hot rows', () => {
    const genres = listGenres(items);
    expect(genres).toEqual(['Animation', 'Comedy', 'Drama']);
    const matrix = encodeGenres(items, genres);
    expect([...matrix]).toEqual([0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
  });
});
