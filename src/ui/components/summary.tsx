/**
 * The end-of-run summary: the outcome and wall time, which nodes ran,
 * came from the cache, failed or were cancelled, and the metrics table.
 */
import { Box, Text } from 'ink';
import { formatDuration, wrapWords } from '../format.js';
import { buildMetricsRows, formatMetricsTable } from '../metrics-table.js';
import type { FinishedState, NodeStatus, RunState } from '../state.js';
import { Tone } from './tone.js';

/** Statuses listed by name in the summary, with their headings. */
const LISTED_STATUSES: readonly [NodeStatus, string][] = [
  ['done', 'ran'],
  ['cached', 'cached'],
  ['failed', 'failed'],
  ['cancelled', 'cancelled'],
  ['skipped', 'skipped'],
];

/** Width of the `cancelled:` heading and its space. */
const HEADING_WIDTH = 11;

const OUTCOME_COLORS: Record<FinishedState['status'], string> = {
  succeeded: 'green',
  failed: 'red',
  cancelled: 'magenta',
};

/** Props of `Summary`. */
export interface SummaryProps {
  state: RunState;
  finished: FinishedState;
  columns: number;
}

/** Renders the summary block. */
export function Summary({ state, finished, columns }: SummaryProps) {
  const { counts } = finished;
  const countsLine =
    `ran ${counts.ran} · cached ${counts.cached} · ` +
    `failed ${counts.failed} · cancelled ${counts.cancelled} · ` +
    `skipped ${counts.skipped}`;

  return (
    <Box flexDirection="column" width={columns} marginTop={1}>
      <Tone bold color={OUTCOME_COLORS[finished.status]}>
        Run {finished.status} in {formatDuration(finished.durationMs)}
      </Tone>
      <Text wrap="truncate-end">{countsLine}</Text>
      {LISTED_STATUSES.map(([status, heading]) => (
        <StatusList
          key={status}
          state={state}
          status={status}
          heading={heading}
          columns={columns}
        />
      ))}
      <MetricsBlock finished={finished} columns={columns} />
    </Box>
  );
}

interface StatusListProps {
  state: RunState;
  status: NodeStatus;
  heading: string;
  columns: number;
}

function StatusList(props: StatusListProps) {
  const { state, status, heading, columns } = props;
  const nodes = state.order
    .map((id) => state.nodes[id])
    .filter((node) => node.status === status);
  if (nodes.length === 0) {
    return null;
  }

  const names = nodes.map((node) =>
    node.error && status === 'failed'
      ? `${node.info.id} (${node.error.code}: ${node.error.message})`
      : node.info.id,
  );

  const lines = wrapWords(names.join(', '), columns - HEADING_WIDTH);

  return (
    <Box flexDirection="column" width={columns}>
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate-end">
          {(index === 0 ? `${heading}:` : '').padEnd(HEADING_WIDTH)}
          {line}
        </Text>
      ))}
    </Box>
  );
}

interface MetricsBlockProps {
  finished: FinishedState;
  columns: number;
}

function MetricsBlock({ finished, columns }: MetricsBlockProps) {
  const rows = buildMetricsRows(finished.metrics);
  if (rows.length === 0) {
    return null;
  }

  const [header, ...lines] = formatMetricsTable(rows, columns);

  return (
    <Box flexDirection="column" width={columns} marginTop={1}>
      <Tone bold>{header}</Tone>
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}
