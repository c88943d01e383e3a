/**
 * Counts over the UI state that the components show.
 */
import type { NodeStatus, RunState } from './state.js';

/** Statuses after which a node will not change again in this run. */
export const SETTLED_STATUSES: ReadonlySet<NodeStatus> = new Set([
  'cached',
  'done',
  'failed',
  'cancelled',
  'skipped',
]);

/** Counts the nodes that have settled, for the header's `n/total`. */
export function countSettledNodes(state: RunState): number {
  return state.order.filter((id) =>
    SETTLED_STATUSES.has(state.nodes[id].status),
  ).length;
}

/** Counts nodes per status. */
export function countByStatus(state: RunState): Record<NodeStatus, number> {
  const counts: Record<NodeStatus, number> = {
    waiting: 0,
    queued: 0,
    cached: 0,
    running: 0,
    done: 0,
    failed: 0,
    cancelled: 0,
    skipped: 0,
  };
  for (const id of state.order) {
    counts[state.nodes[id].status] += 1;
  }

  return counts;
}
