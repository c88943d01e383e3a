/**
 * The top two lines: which pipeline and run, the backend, the elapsed
 * time and how many nodes have settled.
 */
import { Box, Text } from 'ink';
import { renderBar } from '../bar.js';
import { formatDuration } from '../format.js';
import type { RunState } from '../state.js';
import { countSettledNodes } from '../state-queries.js';
import { Tone } from './tone.js';

/** Maximum width of the header's overall progress bar. */
const MAX_HEADER_BAR_WIDTH = 30;

/** Props of `Header`. */
export interface HeaderProps {
  state: RunState;
  /** Current time in epoch milliseconds. */
  nowMs: number;
  columns: number;
}

/** Renders the run's identity and overall progress. */
export function Header({ state, nowMs, columns }: HeaderProps) {
  const run = state.run;
  if (run === undefined) {
    return <Tone dim>distillery · waiting for the run to start</Tone>;
  }

  const endMs = state.finished?.endedAtMs ?? nowMs;
  const total = state.order.length;
  const settled = countSettledNodes(state);
  const backend = resolveBackend(state);
  const status =
    (backend === undefined ? '' : `backend ${backend} · `) +
    `elapsed ${formatDuration(endMs - run.startedAtMs)} · ` +
    `nodes ${settled}/${total}`;
  const barWidth = Math.min(MAX_HEADER_BAR_WIDTH, columns - status.length - 1);

  return (
    <Box flexDirection="column" width={columns}>
      <Tone bold>
        distillery · {run.pipeline} · run {run.runId}
      </Tone>
      <Text wrap="truncate-end">
        {status}
        {barWidth >= 4 && total > 0
          ? ' ' + renderBar(settled / total, barWidth)
          : ''}
      </Text>
    </Box>
  );
}

/**
 * Returns the backend announced at the start, else the one the latest
 * finished node reported, else `undefined` (no ML node has ended yet).
 */
function resolveBackend(state: RunState): string | undefined {
  if (state.run?.backend) {
    return state.run.backend;
  }

  for (const id of [...state.order].reverse()) {
    const backend = state.nodes[id].backend;
    if (backend) {
      return backend;
    }
  }

  return undefined;
}
