/** Planning and executing pipelines, and reading run records. */
export { plan, nodeTypeOf } from './plan.js';
export type { Plan, PlanOptions, PlannedNode, PlanStatus } from './plan.js';
export { run } from './run.js';
export type { RunOptions, RunResult, StopReason } from './run.js';
export {
  readRunRecord,
  readRunRecords,
  DurableJsonFile,
} from './record-file.js';
export { createRunId } from './run-id.js';
export { runStatus, type RunStatus } from './run-status.js';
export { describeChanges, describeParamChanges } from './change-reasons.js';
export { metricsTable, EVALUATE_TYPE } from './evaluation-metrics.js';
export type { MetricsTable } from './evaluation-metrics.js';
export { FileDependencyError } from './key-fields.js';
export type {
  CacheKeyFields,
  NodeRecord,
  NodeRecordStatus,
  RunRecord,
} from './run-record.js';
