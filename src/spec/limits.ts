/**
 * Size limits of pipeline files. They bound the memory and time spent on a
 * malformed or hostile file, far above what hand-written pipelines reach.
 */

/** Maximum size of a pipeline file, in bytes. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Maximum nesting depth of mappings and lists. */
export const MAX_DEPTH = 64;

/**
 * Maximum number of values (scalars, mappings and lists) in one document
 * after YAML aliases are expanded, which stops alias bombs ("billion
 * laughs").
 */
export const MAX_VALUES = 300_000;

/** Maximum number of nodes in the `nodes:` section of one file. */
export const MAX_NODES = 10_000;

/** Maximum number of variants after the matrix is expanded. */
export const MAX_VARIANTS = 1_000;

/** Maximum number of planned node executions: nodes times variants. */
export const MAX_PLANNED_NODES = 50_000;
