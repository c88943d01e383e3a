/**
 * The programmatic API: load a pipeline file, resolve its variants, plan
 * and run it.
 *
 * ```ts
 * import {
 *   createRegistry, loadPipeline, resolvePipeline, run, Store,
 * } from 'distillery';
 *
 * const registry = createRegistry();
 * const spec = await loadPipeline('pipelines/demo.yaml', { registry });
 * const resolved = resolvePipeline(spec, { registry });
 * const store = new Store('artifacts');
 * const result = await run(resolved, { registry, store, dataDir: 'data' });
 * ```
 */
export { loadPipeline, resolvePipeline, PipelineError } from './spec/index.js';
export type {
  LoadOptions,
  PipelineSpec,
  ResolvedPipeline,
  ResolvedNode,
  ResolveOptions,
} from './spec/index.js';
export { plan, run, readRunRecord, readRunRecords } from './runner/index.js';
export type {
  CacheKeyFields,
  MetricsTable,
  NodeRecord,
  Plan,
  PlannedNode,
  PlanOptions,
  RunOptions,
  RunRecord,
  RunResult,
} from './runner/index.js';
export { defineNodeType } from './nodes/node-type.js';
export type {
  ArtifactRef,
  NodeContext,
  NodeResult,
  NodeType,
  ParamSpec,
} from './nodes/node-type.js';
export { createRegistry } from './nodes/registry.js';
export type { NodeTypeRegistry } from './nodes/registry.js';
export { Store } from './store/index.js';
export { createPlainLogger } from './events/plain-logger.js';
export { createJsonLogger } from './events/json-logger.js';
export type { Logger, RunEvent, RunEventKind } from './events/events.js';
