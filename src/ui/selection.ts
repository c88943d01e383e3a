/**
 * Selection of a node: the one the user picked with the arrow keys or,
 * until they press one, the node the run is busy with.
 */
import type { PlannedNodeId } from '../events/events.js';
import type { RunState } from './state.js';

/**
 * Picks the node to show when the user has not chosen one: the running
 * node that started last, else the last failed node, else the first node.
 */
export function pickFollowedNode(state: RunState): PlannedNodeId | undefined {
  let latestRunning: { id: PlannedNodeId; startedAtMs: number } | undefined;
  let lastFailed: PlannedNodeId | undefined;
  for (const id of state.order) {
    const node = state.nodes[id];
    if (node.status === 'failed') {
      lastFailed = id;
    }

    const startedAtMs = node.startedAtMs ?? 0;
    if (
      node.status === 'running' &&
      (latestRunning === undefined || startedAtMs >= latestRunning.startedAtMs)
    ) {
      latestRunning = { id, startedAtMs };
    }
  }

  return latestRunning?.id ?? lastFailed ?? state.order[0];
}

/** Moves the selection by `delta` rows, stopping at both ends. */
export function moveSelection(
  order: readonly PlannedNodeId[],
  current: PlannedNodeId | undefined,
  delta: number,
): PlannedNodeId | undefined {
  if (order.length === 0) {
    return undefined;
  }

  const index = current === undefined ? -1 : order.indexOf(current);
  const start = index === -1 ? 0 : index + delta;
  const clamped = Math.min(order.length - 1, Math.max(0, start));

  return order[clamped];
}
