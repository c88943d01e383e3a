/**
 * Loading and validating pipeline files: YAML with source positions,
 * `${vars.x}` interpolation, `--set` overrides, variants, validation
 * against the node type registry, and compiler-style error rendering.
 */
export { loadPipeline, loadPipelineSource, type LoadOptions } from './load.js';
export { resolvePipeline, type ResolveOptions } from './resolve.js';
export { PipelineError } from './pipeline-error.js';
export {
  describeReason,
  type Diagnostic,
  type DiagnosticReason,
  type RelatedLocation,
} from './diagnostics.js';
export type { RenderOptions } from './render.js';
export { OVERRIDE_FILE } from './source-text.js';
export { NODE_NAME_PATTERN } from './node-drafts.js';
export * from './types.js';
