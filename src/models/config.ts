/**
 * The architecture of a model artifact, stored as `modelTopology` in
 * `model.json`. One layout covers the SASRec student, the larger teacher
 * with an embedding head, and the distilled student.
 */
import type { TextConfig } from './item-text.js';

/** Workflow step that produced a model. */
export type ModelRole = 'student' | 'teacher' | 'distilled';

/**
 * Scoring head: the mapping from the last hidden state to item scores.
 * `tied`: dot product with the input item embeddings (SASRec).
 * `embedding`: a dense projection from the hidden size into the
 * item-embedding space, then a dot product with a separate output item
 * table (the teacher's embedding head).
 */
export type HeadType = 'tied' | 'embedding';

/** Activation between the two dense layers of the point-wise FFN. */
export type Activation = 'relu' | 'gelu';

/** Architecture of one model; all sizes are counts, not bytes. */
export interface ModelConfig {
  role: ModelRole;
  /** Number of items; tables have `numItems + 1` rows, row 0 is padding. */
  numItems: number;
  /** Positions the model reads; longer histories keep their latest items. */
  maxLength: number;
  /**
   * Width of the item tables. Equal to `hiddenSize` for the student; the
   * teacher keeps the student's width and projects it to its own.
   */
  embeddingSize: number;
  /** Width of the hidden state, `d` in the SASRec paper. */
  hiddenSize: number;
  /** Number of self-attention blocks. */
  blocks: number;
  /** Attention heads; `hiddenSize` must be divisible by it. */
  heads: number;
  /** Inner width of the point-wise FFN as a multiple of `hiddenSize`. */
  ffnMultiplier: number;
  activation: Activation;
  /** Dropout rate used in training, in [0, 1). */
  dropout: number;
  head: HeadType;
  /** Item text added to both item tables; absent for ID-only models. */
  text?: TextConfig;
}

/** Describes a config in one line, for example `student (SASRec d=64)`. */
export function describeConfig(config: ModelConfig): string {
  const head = config.head === 'embedding' ? ', embedding head' : '';
  return (
    `${config.role} (SASRec d=${config.hiddenSize}, ` +
    `${config.blocks} blocks, ${config.heads} heads${head})`
  );
}

/** Inner width of the point-wise FFN. */
export function ffnSize(config: ModelConfig): number {
  return Math.round(config.ffnMultiplier * config.hiddenSize);
}

/** Returns whether item embeddings are projected to the hidden size. */
export function hasInputProjection(config: ModelConfig): boolean {
  return config.embeddingSize !== config.hiddenSize;
}

/**
 * Checks the internal consistency of a config and returns a list of
 * problems, each naming the field, the rule and the value.
 */
export function configProblems(config: ModelConfig): string[] {
  const problems: string[] = [];
  const positive: (keyof ModelConfig)[] = [
    'numItems',
    'maxLength',
    'embeddingSize',
    'hiddenSize',
    'blocks',
    'heads',
  ];
  for (const field of positive) {
    const value = config[field];
    if (!Number.isInteger(value) || (value as number) < 1) {
      problems.push(`\`${field}\` must be a positive integer, got ${value}.`);
    }
  }
  if (config.hiddenSize % config.heads !== 0) {
    problems.push(
      `\`hiddenSize\` (${config.hiddenSize}) must be divisible by ` +
        `\`heads\` (${config.heads}): pick a head count that divides it.`,
    );
  }
  if (!(config.dropout >= 0 && config.dropout < 1)) {
    problems.push(`\`dropout\` must be in [0, 1), got ${config.dropout}.`);
  }
  if (!(config.ffnMultiplier > 0)) {
    problems.push(
      `\`ffnMultiplier\` must be positive, got ${config.ffnMultiplier}.`,
    );
  }
  if (config.head === 'tied' && hasInputProjection(config)) {
    problems.push(
      'A `tied` head needs `embeddingSize` equal to `hiddenSize`, got ' +
        `${config.embeddingSize} and ${config.hiddenSize}.`,
    );
  }
  return problems;
}
