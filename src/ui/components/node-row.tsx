/**
 * One node of the node list: selection pointer, status mark, name
 * indented by depth, status word, duration and key prefix. A failed node
 * gets a second line with its error.
 */
import { Box, Text } from 'ink';
import { formatDuration, formatKeyPrefix } from '../format.js';
import type { NodeState } from '../state.js';
import { STATUS_COLORS, STATUS_MARKS } from '../theme.js';
import { Tone } from './tone.js';

/** Deepest level that still adds indentation, so names keep room. */
const MAX_INDENT_DEPTH = 6;

/** Props of `NodeRow`. */
export interface NodeRowProps {
  node: NodeState;
  selected: boolean;
  /** Current time in epoch milliseconds, for a running node's duration. */
  nowMs: number;
  columns: number;
}

/** Renders one node as one line, plus its error line when it failed. */
export function NodeRow({ node, selected, nowMs, columns }: NodeRowProps) {
  const color = STATUS_COLORS[node.status];
  const indent = '  '.repeat(Math.min(node.info.depth, MAX_INDENT_DEPTH));

  return (
    <Box flexDirection="column" width={columns}>
      <Box width={columns}>
        <Box width={2} flexShrink={0}>
          <Text>{selected ? '›' : ' '}</Text>
        </Box>
        <Box width={2} flexShrink={0}>
          <Tone color={color}>{STATUS_MARKS[node.status]}</Tone>
        </Box>
        <Box flexGrow={1} flexShrink={1} minWidth={4}>
          <Tone inverse={selected} bold={node.status === 'running'}>
            {indent}
            {node.info.id}
          </Tone>
        </Box>
        <Box width={10} flexShrink={0} justifyContent="flex-end">
          <Tone color={color}>{node.status}</Tone>
        </Box>
        <Box width={8} flexShrink={0} justifyContent="flex-end">
          <Text>{describeDuration(node, nowMs)}</Text>
        </Box>
        <Box width={10} flexShrink={0} justifyContent="flex-end">
          <Tone dim>{formatKeyPrefix(node.key)}</Tone>
        </Box>
      </Box>
      {node.error && node.status === 'failed' ? (
        <Box width={columns} paddingLeft={4}>
          <Tone color="red">
            {node.error.code}: {node.error.message}
          </Tone>
        </Box>
      ) : null}
    </Box>
  );
}

/** Formats the reported duration, the live one while running, or ''. */
function describeDuration(node: NodeState, nowMs: number): string {
  if (node.durationMs !== undefined) {
    return formatDuration(node.durationMs);
  }

  if (node.status === 'running' && node.startedAtMs !== undefined) {
    return formatDuration(nowMs - node.startedAtMs);
  }

  return '';
}
