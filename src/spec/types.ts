/**
 * The in-memory form of a pipeline file after parsing, interpolation,
 * overrides, validation and variant expansion. Every value that came from
 * the file keeps the place it was written, so later stages can point at it.
 */

/** A place in a pipeline file; line and column count from 1. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** Length of the offending text, for underlining; 0 when unknown. */
  length: number;
}

/** One node as written in the file, after interpolation and `--set`. */
export interface NodeSpec {
  name: string;
  type: string;
  /** Parameters as written (no defaults yet). */
  params: Record<string, unknown>;
  /** Input name to upstream node name(s). */
  inputs: Record<string, string | string[]>;
  location: SourceLocation;
  /** Where each param and input value was written, by dotted path. */
  locations: Record<string, SourceLocation>;
}

/** A named set of overrides of the base pipeline, by dotted path. */
export interface VariantSpec {
  /** Stable, readable name, for example `init=random,seed=2`. */
  name: string;
  /** Dotted path (`vars.seed`, `nodes.teacher.params.init`) to value. */
  overrides: Record<string, unknown>;
}

/** A validated pipeline file. */
export interface PipelineSpec {
  name: string;
  /** Absolute path of the file. */
  file: string;
  vars: Record<string, unknown>;
  nodes: NodeSpec[];
  /** Declared variants after expansion; empty without `variants:`. */
  variants: VariantSpec[];
}

/**
 * One node execution of a plan: a node of one variant with parameters
 * resolved (defaults filled in) and inputs resolved to planned node ids.
 */
export interface ResolvedNode {
  /** `name`, or `name@variant` when the pipeline has variants. */
  id: string;
  name: string;
  variant: string | null;
  type: string;
  params: Record<string, unknown>;
  /** Input name to upstream planned node id(s). */
  inputs: Record<string, string | string[]>;
  location: SourceLocation;
}

/** A pipeline ready to plan: validated nodes of the selected variants. */
export interface ResolvedPipeline {
  spec: PipelineSpec;
  /** Selected variant names; `[null]` for a pipeline without variants. */
  variants: (string | null)[];
  nodes: ResolvedNode[];
}
