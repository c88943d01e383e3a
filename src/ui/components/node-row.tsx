/**
 * One node of the node list: selection pointer, status mark, name
 * indented by depth, status word, duration and key prefix. Narrow
 * terminals leave out the key prefix, then the status word. A failed
 * node gets a second line with its error.
 */
import { Box, Text } from 'ink';
import { formatDuration, formatKeyPrefix } from '../format.js';
import type { NodeState } from '../state.js';
import { STATUS_COLORS, STATUS_MARKS } from '../theme.js';
import { Tone } from './tone.js';

/** Deepest level that still adds indentation, so names keep room. */
const MAX_INDENT_DEPTH = 6;
/** Minimum terminal width that shows the key prefix column. */
const KEY_COLUMN_MIN_COLUMNS = 60;
/** Minimum terminal width that shows the status word; the mark stays. */
const STATUS_COLUMN_MIN_COLUMNS = 45;

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
  // Narrow terminals indent by one cell per level instead of two.
  const indentUnit = columns < KEY_COLUMN_MIN_COLUMNS ? ' ' : '  ';
  const indent = indentUnit.repeat(Math.min(node.info.depth, MAX_INDENT_DEPTH));

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
          <Text wrap="truncate-end">
            {indent}
            <Tone inverse={selected} bold={node.status === 'running'}>
              {node.info.id}
            </Tone>
          </Text>
        </Box>
        {columns >= STATUS_COLUMN_MIN_COLUMNS ? (
          <Box width={10} flexShrink={0} justifyContent="flex-end">
            <Tone color={color}>{node.status}</Tone>
          </Box>
        ) : null}
        <Box width={8} flexShrink={0} justifyContent="flex-end">
          <Text>{describeDuration(node, nowMs)}</Text>
        </Box>
        {columns >= KEY_COLUMN_MIN_COLUMNS ? (
          <Box width={10} flexShrink={0} justifyContent="flex-end">
            <Tone dim>{formatKeyPrefix(node.key)}</Tone>
          </Box>
        ) : null}
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
