/**
 * Item text features for the language-aware teacher: a word vocabulary
 * built from item titles, titles encoded as fixed-length token id rows, and
 * genres as multi-hot rows. Row 0 of every matrix is the padding item.
 */
import type { ItemInfo } from './dataset.js';
import { stripTitleYear } from './item-info.js';
import { compareCodeUnits } from './process/ids.js';

/** Token id of padding. */
export const paddingToken = 0;

/** Token id of a word outside the vocabulary. */
export const unknownToken = 1;

/** A title vocabulary; `tokens[id]` is the word of token id `id >= 2`. */
export interface Vocabulary {
  /**
   * Words by id; entries 0 and 1 are `<pad>` and `<unk>`, which no title
   * word can equal because words contain only letters and digits.
   */
  tokens: string[];
  /** Token id of each word. */
  ids: Map<string, number>;
}

/**
 * Splits a title into lowercase words: the trailing `(YYYY)` is removed and
 * any run of characters other than Unicode letters and digits separates
 * words.
 */
export function tokenizeTitle(title: string): string[] {
  return stripTitleYear(title)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

/**
 * Builds the vocabulary of words that occur in at least `minCount` titles
 * (counting each title once). Ids start at 2, ordered by descending title
 * count and then by UTF-16 code unit, so equal inputs give equal ids.
 */
export function buildVocabulary(
  items: readonly ItemInfo[],
  minCount = 1,
): Vocabulary {
  const counts = new Map<string, number>();
  for (const item of items) {
    for (const word of new Set(tokenizeTitle(item.title))) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }

  const words = [...counts]
    .filter(([, count]) => count >= minCount)
    .sort(([a, x], [b, y]) => y - x || compareCodeUnits(a, b))
    .map(([word]) => word);
  const tokens = ['<pad>', '<unk>', ...words];
  return { tokens, ids: new Map(tokens.map((word, id) => [word, id])) };
}

/**
 * Encodes titles as token ids, shape `[numItems + 1, maxTokens]` row-major:
 * row i is item index i, row 0 is all padding. Titles longer than
 * `maxTokens` words are cut, shorter ones padded with 0; words outside the
 * vocabulary become 1.
 */
export function encodeTitles(
  items: readonly ItemInfo[],
  vocabulary: Vocabulary,
  maxTokens: number,
): Int32Array {
  const matrix = new Int32Array((items.length + 1) * maxTokens);
  for (const item of items) {
    const words = tokenizeTitle(item.title).slice(0, maxTokens);
    words.forEach((word, position) => {
      matrix[item.index * maxTokens + position] =
        vocabulary.ids.get(word) ?? unknownToken;
    });
  }

  return matrix;
}

/** Sorted genre names of `items`, the columns of the multi-hot matrix. */
export function listGenres(items: readonly ItemInfo[]): string[] {
  const genres = new Set(items.flatMap((item) => item.genres));
  return [...genres].sort();
}

/**
 * Encodes genres as multi-hot rows, shape `[numItems + 1, genres.length]`:
 * 1 where item i has genre j. Genres not in `genres` are ignored.
 */
export function encodeGenres(
  items: readonly ItemInfo[],
  genres: readonly string[],
): Float32Array {
  const column = new Map(genres.map((genre, j) => [genre, j]));
  const matrix = new Float32Array((items.length + 1) * genres.length);
  for (const item of items) {
    for (const genre of item.genres) {
      const j = column.get(genre);
      if (j !== undefined) {
        matrix[item.index * genres.length + j] = 1;
      }
    }
  }

  return matrix;
}
