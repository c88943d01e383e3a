/**
 * The banner shown while the run stops, and after it stopped: why, what
 * the runner is doing, and what is kept for the next run.
 */
import { Box } from 'ink';
import type { StoppingState } from '../state.js';
import { Tone } from './tone.js';

/** Message of the stop the user requests with `q` or Ctrl-C. */
export const USER_STOP_MESSAGE = 'stop requested with q or Ctrl-C.';

/** Why the run stops, by the reason `run-stopping` carries. */
const REASON_TEXT: Record<StoppingState['reason'], string> = {
  user: 'stop requested with q or Ctrl-C',
  signal: 'the process received a stop signal',
  failure: 'a node failed',
};

/** What the UI promises is kept, unless the runner's message says it. */
const KEPT_TEXT =
  'Kept: published artifacts and the checkpoints of interrupted nodes. ' +
  'Run the same command again to resume.';

/** Props of `StoppingBanner`. */
export interface StoppingBannerProps {
  stopping: StoppingState;
  /** Whether the run has ended, so the banner reports a past stop. */
  stopped: boolean;
  columns: number;
}

/** Renders a few lines in the warning colour. */
export function StoppingBanner(props: StoppingBannerProps) {
  const { stopping, stopped, columns } = props;
  const lines = describeStop(stopping, stopped);

  return (
    <Box flexDirection="column" width={columns} marginTop={1}>
      <Tone bold color="yellow" wrap="wrap">
        ■ {stopped ? 'Stopped' : 'Stopping'}: {REASON_TEXT[stopping.reason]}.
      </Tone>
      {lines.map((line) => (
        <Box key={line} paddingLeft={2}>
          <Tone color="yellow" wrap="wrap">
            {line}
          </Tone>
        </Box>
      ))}
    </Box>
  );
}

/**
 * Lists the lines under the title: the runner's message without its own
 * `Stopping:` prefix, a note while nodes still run, and what is kept.
 */
export function describeStop(
  stopping: StoppingState,
  stopped: boolean,
): string[] {
  const message = stopping.message.replace(/^stopping:\s*/i, '').trim();
  const lines: string[] = [];
  if (stopping.message !== USER_STOP_MESSAGE) {
    lines.push(message);
  }

  if (!stopped && lines.length === 0) {
    lines.push('Waiting for running nodes to end; nothing new starts.');
  }

  if (!/\bkept\b/i.test(message)) {
    lines.push(KEPT_TEXT);
  }

  return lines.filter((line) => line !== '');
}
