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
export type {
  EventError,
  EventOf,
  NodeEmittedEvent,
  NodeOutcome,
  PlannedNodeInfo,
  ProgressFields,
} from './events/events.js';
export type {
  Diagnostic,
  DiagnosticReason,
  NodeSpec,
  RelatedLocation,
  SourceLocation,
  VariantSpec,
} from './spec/index.js';
export type {
  ArtifactDigest,
  CacheKey,
  DependencyPaths,
  FileDependency,
  InputSpec,
  ParamSchema,
} from './nodes/node-type.js';
export { FileDependencyError } from './runner/index.js';
export {
  ConfigError,
  defineConfig,
  findConfigFile,
  loadConfig,
  loadProjectRegistry,
} from './config/index.js';
export type {
  ConfigFailureReason,
  DistilleryConfig,
  FindConfigOptions,
  LoadedConfig,
  ProjectRegistry,
  ProjectRegistryOptions,
} from './config/index.js';
export { CommandError } from './nodes/command/errors.js';
export type { CommandFailureReason } from './nodes/command/errors.js';
export type { CommandParams } from './nodes/command/params.js';
export { readDataset } from './data/artifact.js';
export type { Dataset, DatasetStats, ItemInfo } from './data/dataset.js';
export type { NodeRecordStatus } from './runner/index.js';
export type { PlanStatus } from './runner/plan.js';
export type { PlannedNodeId } from './events/events.js';
export type { RenderOptions } from './spec/index.js';
export type { PlainLoggerOptions } from './events/plain-logger.js';
export type { JsonLoggerOptions } from './events/json-logger.js';
export type { StoreOptions } from './store/index.js';
