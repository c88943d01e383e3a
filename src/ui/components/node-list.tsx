/**
 * The nodes of the run in topological order, one row each, with the
 * selected node marked.
 */
import { Box } from 'ink';
import type { PlannedNodeId } from '../../events/events.js';
import { computeListWindow } from '../list-window.js';
import type { RunState } from '../state.js';
import { NodeRow } from './node-row.js';
import { Tone } from './tone.js';

/** Props of `NodeList`. */
export interface NodeListProps {
  state: RunState;
  selectedId: PlannedNodeId | undefined;
  nowMs: number;
  columns: number;
  /** Most lines the list may take; longer lists scroll. @default all */
  maxRows?: number;
}

/** Renders the node rows that fit, with notes for rows scrolled away. */
export function NodeList(props: NodeListProps) {
  const { state, selectedId, nowMs, columns } = props;
  const selectedIndex =
    selectedId === undefined ? 0 : state.order.indexOf(selectedId);
  const window = computeListWindow(
    state.order.length,
    selectedIndex,
    props.maxRows ?? Number.POSITIVE_INFINITY,
  );

  return (
    <Box flexDirection="column" width={columns}>
      {window.hiddenAbove > 0 ? (
        <Tone dim> ↑ {window.hiddenAbove} more</Tone>
      ) : null}
      {state.order.slice(window.start, window.end).map((id) => (
        <NodeRow
          key={id}
          node={state.nodes[id]}
          selected={id === selectedId}
          nowMs={nowMs}
          columns={columns}
        />
      ))}
      {window.hiddenBelow > 0 ? (
        <Tone dim> ↓ {window.hiddenBelow} more</Tone>
      ) : null}
    </Box>
  );
}
