/**
 * The data that `compare` and the HTML report are built from: one entry per
 * evaluated variant, read from run records and artifacts by `load-runs.ts`
 * or from a node's inputs by the `report` node type.
 */

/** Metrics of one evaluate node's artifact. */
export interface EvaluationResult {
  /** Name of the evaluate node, as written in the pipeline file. */
  node: string;
  /** Model name, then metric name (for example `test.ndcg@10`), then value. */
  metrics: Record<string, Record<string, number>>;
  /**
   * Model name, then per-user metric name (for example `ndcg@10`), then one
   * value per test user, in the same user order for every model.
   */
  perUser: Record<string, Record<string, number[]>>;
}

/** One epoch of a training node's history. */
export interface HistoryPoint {
  /** Epoch, counting from 1. */
  epoch: number;
  /** Mean training loss of the epoch. */
  loss?: number;
  /** Validation NDCG@10 after the epoch. */
  validNdcg10?: number;
  /** Validation HR@10 after the epoch. */
  validHr10?: number;
  /** Training seconds from the first epoch to the end of this one. */
  elapsedS?: number;
}

/** The per-epoch history of one training node of one variant. */
export interface TrainingCurve {
  /** Node name, as written in the pipeline file. */
  node: string;
  /** Node type, for example `refine-teacher`; empty when unknown. */
  type: string;
  /** Cache key of the node's artifact: variants that share it share a curve. */
  key: string;
  history: HistoryPoint[];
}

/** Everything `compare` and the report need about one variant of a run. */
export interface VariantResult {
  /** Variant name, or `null` for a pipeline without variants. */
  variant: string | null;
  /** Id of the run whose record the results come from. */
  runId: string;
  /** `--set` overrides of that run; absent or empty for the file as is. */
  overrides?: string[];
  /** Resolved parameters of the variant's nodes, by `node.param`. */
  params: Record<string, unknown>;
  evaluations: EvaluationResult[];
  curves: TrainingCurve[];
}
