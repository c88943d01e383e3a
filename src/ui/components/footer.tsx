/**
 * The bottom of the live view: the newest log lines of the selected node
 * (or, for a failed node, the end of its error detail) and the key help.
 */
import { Box, Text } from 'ink';
import type { NodeState, RunState, LogLine } from '../state.js';
import { Tone } from './tone.js';

/** Log lines shown for the selected node. */
export const FOOTER_LOG_LINES = 5;

/** Props of `Footer`. */
export interface FooterProps {
  state: RunState;
  node: NodeState | undefined;
  columns: number;
  /** Whether to show the key help; off once the run has finished. */
  showKeys: boolean;
}

/** Renders a titled rule, the log lines and the key help. */
export function Footer({ state, node, columns, showKeys }: FooterProps) {
  const title = node === undefined ? ' run ' : ` ${node.info.id} `;
  const lines = selectFooterLines(state, node);

  return (
    <Box flexDirection="column" width={columns}>
      <Tone dim>
        {'──' + title + '─'.repeat(Math.max(0, columns - title.length - 2))}
      </Tone>
      {lines.length === 0 ? (
        <Tone dim>{'  '}no log lines yet</Tone>
      ) : (
        lines.map((line, index) => (
          <Tone key={index} color={levelColor(line.level)}>
            {'  '}
            {line.level === 'info' ? '' : `${line.level}: `}
            {line.message}
          </Tone>
        ))
      )}
      {showKeys ? (
        <Text wrap="truncate-end">↑/↓ select node · q or Ctrl-C stop</Text>
      ) : null}
    </Box>
  );
}

/**
 * Selects the lines to show: a failed node's error detail when it has
 * one, else the node's log (without debug lines), or the run-level log
 * when no node is selected.
 */
export function selectFooterLines(
  state: RunState,
  node: NodeState | undefined,
): LogLine[] {
  const detail = node?.status === 'failed' ? node.error?.detail : undefined;
  if (node !== undefined && detail !== undefined && detail.trim() !== '') {
    const timeMs = node.startedAtMs ?? 0;
    return detail
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .slice(-FOOTER_LOG_LINES)
      .map((message) => ({ level: 'error' as const, message, timeMs }));
  }

  const logs = node === undefined ? state.runLogs : node.logs;

  // Debug lines are kept in the state but, as in the plain log, not shown.
  return logs.filter((line) => line.level !== 'debug').slice(-FOOTER_LOG_LINES);
}

function levelColor(level: LogLine['level']): string | undefined {
  switch (level) {
    case 'error':
      return 'red';
    case 'warn':
      return 'yellow';
    case 'debug':
      return 'gray';
    case 'info':
      return undefined;
  }
}
