/**
 * Loading precomputed item text embeddings, from any language model, keyed
 * by original item id. Two layouts are read, chosen by the first non-blank
 * character of the file:
 *
 * - JSON lines: `{"item": "123", "vector": [0.1, -0.2, ...]}` per line;
 * - TSV: `123<TAB>0.1 -0.2 ...` per line (values separated by blanks).
 *
 * Items of the dataset without a vector get a zero row and are counted.
 */
import type { ItemInfo } from './dataset.js';
import { readTextFile } from './decode.js';
import { splitRecords, type TextRecord } from './delimited-text.js';
import { DataError, quoteValue } from './errors.js';

/** Options of {@link loadItemEmbeddings}. */
export interface EmbeddingsOptions {
  /** Declared vector length; every vector must have exactly this many. */
  dimension: number;
  /**
   * Minimum fraction of the dataset's items that must have a vector, from 0
   * to 1. Default 0.9.
   */
  minCoverage?: number;
}

/** Embeddings aligned with the dataset's item indices. */
export interface ItemEmbeddings {
  /** Row-major `[numItems + 1, dimension]`; row 0 (padding) is zero. */
  matrix: Float32Array;
  dimension: number;
  /** Items with a vector. */
  covered: number;
  /** Items without a vector, whose rows are zero. */
  missing: number;
  /** `covered / items.length`. */
  coverage: number;
  /** Vectors for ids that are not items of the dataset (ignored). */
  unused: number;
}

interface VectorLine {
  id: string;
  vector: number[];
  line: number;
}

/** Loads `file` and aligns its vectors with `items`. */
export async function loadItemEmbeddings(
  file: string,
  items: readonly ItemInfo[],
  options: EmbeddingsOptions,
): Promise<ItemEmbeddings> {
  const { dimension } = options;
  const minCoverage = options.minCoverage ?? 0.9;
  const vectors = parseVectors(await readTextFile(file, 'utf-8'), file);
  const byId = indexVectors(vectors, dimension, file);
  const matrix = new Float32Array((items.length + 1) * dimension);
  let covered = 0;
  for (const item of items) {
    const vector = byId.get(item.originalId);
    if (vector) {
      matrix.set(vector, item.index * dimension);
      covered += 1;
    }
  }

  const coverage = items.length === 0 ? 0 : covered / items.length;
  if (coverage < minCoverage) {
    throw lowCoverage(file, covered, items.length, minCoverage);
  }

  return {
    matrix,
    dimension,
    covered,
    missing: items.length - covered,
    coverage,
    unused: byId.size - covered,
  };
}

function parseVectors(text: string, file: string): VectorLine[] {
  const records = [
    ...splitRecords(text, { delimiter: '\n', quoting: false, file }),
  ];
  if (records.length === 0) {
    throw new DataError(
      'empty-file',
      'The embeddings file has no vectors. Write one vector per line.',
      { file },
    );
  }

  const isJson = records[0].fields[0].trimStart().startsWith('{');
  return records.map((record) =>
    isJson ? parseJsonLine(record, file) : parseTsvLine(record, file),
  );
}

function parseJsonLine(record: TextRecord, file: string): VectorLine {
  const text = record.fields[0];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }

  const entry = value as { item?: unknown; vector?: unknown } | undefined;
  const id = entry?.item;
  if (
    (typeof id !== 'string' && typeof id !== 'number') ||
    !Array.isArray(entry?.vector)
  ) {
    throw new DataError(
      'malformed-row',
      `Expected a JSON object \`{"item": "<id>", "vector": [...]}\`; ` +
        `received ${quoteValue(text)}. Fix the line.`,
      { file, line: record.line, value: text },
    );
  }

  return {
    id: String(id),
    vector: checkNumbers(entry!.vector as unknown[], file, record.line),
    line: record.line,
  };
}

function parseTsvLine(record: TextRecord, file: string): VectorLine {
  const text = record.fields[0];
  const tab = text.indexOf('\t');
  if (tab === -1) {
    throw new DataError(
      'malformed-row',
      `Expected \`<id><TAB><v1> <v2> ...\`; received ${quoteValue(text)} ` +
        'without a tab. Separate the id from the vector with a tab.',
      { file, line: record.line, value: text },
    );
  }

  const values = text
    .slice(tab + 1)
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  return {
    id: text.slice(0, tab).trim(),
    vector: checkNumbers(values.map(Number), file, record.line, values),
    line: record.line,
  };
}

function checkNumbers(
  values: unknown[],
  file: string,
  line: number,
  written: unknown[] = values,
): number[] {
  const bad = values.findIndex(
    (value) => typeof value !== 'number' || !Number.isFinite(value),
  );
  if (bad !== -1) {
    const shown = String(written[bad]);
    throw new DataError(
      'invalid-vector',
      `Vector component ${bad + 1} is not a finite number: ` +
        `${quoteValue(shown)}. Fix the vector.`,
      { file, line, value: shown },
    );
  }

  return values as number[];
}

function indexVectors(
  vectors: VectorLine[],
  dimension: number,
  file: string,
): Map<string, number[]> {
  const byId = new Map<string, number[]>();
  const lineOf = new Map<string, number>();
  for (const { id, vector, line } of vectors) {
    if (vector.length !== dimension) {
      throw new DataError(
        'dimension-mismatch',
        `The vector of item ${quoteValue(id)} has ${vector.length} ` +
          `values; expected ${dimension} (\`dimension\`). Set ` +
          "`dimension` to the model's embedding size, or regenerate the " +
          'file with one model.',
        { file, line, value: String(vector.length) },
      );
    }

    if (byId.has(id)) {
      throw new DataError(
        'duplicate-id',
        `Item ${quoteValue(id)} has a second vector; the first is on line ` +
          `${lineOf.get(id)}. Keep one vector per item.`,
        { file, line, value: id },
      );
    }

    byId.set(id, vector);
    lineOf.set(id, line);
  }

  return byId;
}

function lowCoverage(
  file: string,
  covered: number,
  total: number,
  minCoverage: number,
): DataError {
  return new DataError(
    'low-coverage',
    `Only ${covered} of ${total} items have a vector ` +
      `(${((100 * covered) / Math.max(total, 1)).toFixed(1)}%); ` +
      `\`minCoverage\` requires ${(100 * minCoverage).toFixed(1)}%. Compute ` +
      'vectors for the missing items, check that the file uses the ' +
      'original item ids, or lower `minCoverage`.',
    { file, value: String(covered) },
  );
}
