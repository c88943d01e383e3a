/**
 * Item text for the teacher: a title embedding (the mean of the title's
 * token embeddings), a genre embedding (the mean of the item's genre
 * embeddings) and, optionally, precomputed text vectors from a file under
 * a learned projection. Their sum is added to both item tables, so items
 * with few interactions still get a vector from their text.
 *
 * The learned tables start at zero, so adding text to a teacher does not
 * change its scores until training moves them. The per-item inputs (token
 * ids, genre weights, file vectors) are constants stored with the model.
 */
import type { Dataset } from '../data/dataset.js';
import {
  buildVocabulary,
  encodeGenres,
  encodeTitles,
  listGenres,
} from '../data/text.js';
import { tf } from '../engine/index.js';
import type { ModelConfig } from './config.js';
import { gatherRows } from './gather-rows.js';

/** Sizes of the item text inputs; 0 turns a part off. */
export interface TextConfig {
  /** Title tokens kept per item. */
  titleTokens: number;
  /** Words in the title vocabulary, padding and unknown included. */
  vocabularySize: number;
  /** Number of distinct genres. */
  genres: number;
  /** Width of the precomputed vectors from a file. */
  fileEmbeddingSize: number;
}

/** Names of the text weights and constants. */
export const TEXT = {
  tokenEmbedding: 'text/token_embedding',
  genreEmbedding: 'text/genre_embedding',
  fileProjection: 'text/file_projection',
  titleTokens: 'constant/title_tokens',
  titleWeights: 'constant/title_weights',
  genreWeights: 'constant/genre_weights',
  fileEmbeddings: 'constant/file_embeddings',
} as const;

/** Shapes of the trainable text weights of a config (none without text). */
export function textWeightShapes(config: ModelConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const text = config.text;
  if (!text) return shapes;
  const e = config.embeddingSize;
  if (text.titleTokens > 0)
    shapes.set(TEXT.tokenEmbedding, [text.vocabularySize, e]);
  if (text.genres > 0) shapes.set(TEXT.genreEmbedding, [text.genres, e]);
  if (text.fileEmbeddingSize > 0)
    shapes.set(TEXT.fileProjection, [text.fileEmbeddingSize, e]);
  return shapes;
}

/** Shapes of the per-item text constants of a config. */
export function textConstantShapes(config: ModelConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const text = config.text;
  if (!text) return shapes;
  const rows = config.numItems + 1;
  if (text.titleTokens > 0) {
    shapes.set(TEXT.titleTokens, [rows * text.titleTokens]);
    shapes.set(TEXT.titleWeights, [rows, text.titleTokens, 1]);
  }
  if (text.genres > 0) shapes.set(TEXT.genreWeights, [rows, text.genres]);
  if (text.fileEmbeddingSize > 0) {
    shapes.set(TEXT.fileEmbeddings, [rows, text.fileEmbeddingSize]);
  }
  return shapes;
}

/** Item text inputs built from a dataset, ready to add to a model. */
export interface ItemTextInputs {
  config: TextConfig;
  /** Constant values by name, as `textConstantShapes` lists them. */
  constants: Map<string, Float32Array>;
}

/** Options of `itemTextInputs`. */
export interface ItemTextOptions {
  /** Whether to use title tokens. */
  titles: boolean;
  /** Whether to use genres. */
  genres: boolean;
  /** Title tokens kept per item. */
  titleTokens: number;
  /** Precomputed vectors, row-major `[numItems + 1, size]`, or none. */
  file?: { matrix: Float32Array; size: number };
}

/** Encodes a dataset's titles, genres and file vectors as text inputs. */
export function itemTextInputs(
  dataset: Dataset,
  options: ItemTextOptions,
): ItemTextInputs {
  const constants = new Map<string, Float32Array>();
  const config: TextConfig = {
    titleTokens: 0,
    vocabularySize: 0,
    genres: 0,
    fileEmbeddingSize: 0,
  };
  if (options.titles)
    addTitles(dataset, options.titleTokens, config, constants);
  if (options.genres) addGenres(dataset, config, constants);
  if (options.file) {
    config.fileEmbeddingSize = options.file.size;
    constants.set(TEXT.fileEmbeddings, options.file.matrix);
  }
  return { config, constants };
}

function addTitles(
  dataset: Dataset,
  titleTokens: number,
  config: TextConfig,
  constants: Map<string, Float32Array>,
): void {
  const vocabulary = buildVocabulary(dataset.items);
  const tokens = encodeTitles(dataset.items, vocabulary, titleTokens);
  // Each real token of a title gets weight 1 / (tokens in the title), so
  // the weighted sum of token embeddings is their mean.
  const weights = new Float32Array(tokens.length);
  for (let row = 0; row < tokens.length / titleTokens; row++) {
    const start = row * titleTokens;
    let count = 0;
    for (let t = 0; t < titleTokens; t++)
      if (tokens[start + t] !== 0) count += 1;
    for (let t = 0; t < titleTokens; t++) {
      if (tokens[start + t] !== 0) weights[start + t] = 1 / count;
    }
  }
  config.titleTokens = titleTokens;
  config.vocabularySize = vocabulary.tokens.length;
  constants.set(TEXT.titleTokens, Float32Array.from(tokens));
  constants.set(TEXT.titleWeights, weights);
}

function addGenres(
  dataset: Dataset,
  config: TextConfig,
  constants: Map<string, Float32Array>,
): void {
  const genres = listGenres(dataset.items);
  if (genres.length === 0) return;
  const matrix = encodeGenres(dataset.items, genres);
  // Rows are normalised so an item's genre embedding is the mean of its
  // genres' embeddings.
  for (let row = 0; row < matrix.length / genres.length; row++) {
    const slice = matrix.subarray(
      row * genres.length,
      (row + 1) * genres.length,
    );
    const count = slice.reduce((a, b) => a + b, 0);
    if (count > 0) slice.forEach((v, j) => (slice[j] = v / count));
  }
  config.genres = genres.length;
  constants.set(TEXT.genreWeights, matrix);
}

/**
 * Computes the text part of every item's embedding, `[numItems + 1, e]`,
 * from the model's text weights `w` and constants `c`.
 */
export function itemTextTable(
  config: ModelConfig,
  w: (name: string) => tf.Tensor,
  c: (name: string) => tf.Tensor,
): tf.Tensor2D | undefined {
  const text = config.text;
  if (!text) return undefined;
  const rows = config.numItems + 1;
  const e = config.embeddingSize;
  const parts: tf.Tensor[] = [];
  if (text.titleTokens > 0) {
    const tokens = c(TEXT.titleTokens) as tf.Tensor1D;
    const vectors = gatherRows(w(TEXT.tokenEmbedding) as tf.Tensor2D, tokens);
    // [rows, tokens, e] weighted by [rows, tokens, 1], summed over tokens.
    const perToken = tf.reshape(vectors, [rows, text.titleTokens, e]);
    parts.push(tf.sum(tf.mul(perToken, c(TEXT.titleWeights)), 1));
  }
  if (text.genres > 0) {
    parts.push(
      tf.matMul(
        c(TEXT.genreWeights) as tf.Tensor2D,
        w(TEXT.genreEmbedding) as tf.Tensor2D,
      ),
    );
  }
  if (text.fileEmbeddingSize > 0) {
    parts.push(
      tf.matMul(
        c(TEXT.fileEmbeddings) as tf.Tensor2D,
        w(TEXT.fileProjection) as tf.Tensor2D,
      ),
    );
  }
  if (parts.length === 0) return undefined;
  return tf.addN(parts) as tf.Tensor2D;
}
