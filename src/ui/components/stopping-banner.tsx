/**
 * The banner shown while the run stops, and after it stopped: why, what
 * the runner is doing, and what is kept for the next run.
 */
import { Box } from 'ink';
import { wrapWords } from '../format.js';
import type { StoppingState } from '../state.js';
import { Tone } from './tone.js';

/** Message of the stop the user requests with `q` or Ctrl-C. */
export const USER_STOP_MESSAGE = 'stop requested with q or Ctrl-C.';

/** Reason text of the banner's title, by the `run-stopping` reason. */
const REASON_TEXT: Record<StoppingState['reason'], string> = {
  user: 'stop requested with q or Ctrl-C',
  signal: 'the process received a stop signal',
  failure: 'a node failed',
};

/** Note on kept results, shown unless the runner's message mentions it. */
const KEPT_TEXT =
  'Kept: published artifacts and the checkpoints of interrupted nodes.';

/** How to continue after a stop. */
const RESUME_TEXT = 'Run the same command again to resume.';

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
  const title =
    `■ ${stopped ? 'Stopped' : 'Stopping'}: ` +
    `${REASON_TEXT[stopping.reason]}.`;
  const lines = wrapStop(stopping, stopped, columns);

  return (
    <Box flexDirection="column" width={columns} marginTop={1}>
      <Tone bold color="yellow">
        {title}
      </Tone>
      {lines.map((line, index) => (
        <Tone key={index} color="yellow">
          {'  ' + line}
        </Tone>
      ))}
    </Box>
  );
}

/** Counts the banner's lines, its top margin included. */
export function countBannerRows(
  stopping: StoppingState,
  stopped: boolean,
  columns: number,
): number {
  return 2 + wrapStop(stopping, stopped, columns).length;
}

function wrapStop(
  stopping: StoppingState,
  stopped: boolean,
  columns: number,
): string[] {
  // Two cells of indent under the title.
  return describeStop(stopping, stopped).flatMap((text) =>
    wrapWords(text, columns - 2),
  );
}

/**
 * Lists the paragraphs under the title. While stopping, these are the
 * runner's message without its own `Stopping:` prefix (or a note that
 * nodes are ending), then what is kept unless the message mentions it.
 * Once stopped, only what is kept is listed, because the runner's
 * message describes work that is over.
 */
export function describeStop(
  stopping: StoppingState,
  stopped: boolean,
): string[] {
  if (stopped) {
    return [KEPT_TEXT, RESUME_TEXT];
  }

  const message = stopping.message.replace(/^stopping:\s*/i, '').trim();
  const fromRunner = stopping.message !== USER_STOP_MESSAGE && message !== '';
  const lines = fromRunner
    ? [message]
    : [
        'Waiting for running nodes to end; nothing new starts.',
        'Ctrl-C again exits at once; nodes resume from their last epoch.',
      ];

  if (!fromRunner || !/\bkept\b/i.test(message)) {
    lines.push(KEPT_TEXT, RESUME_TEXT);
  }

  return lines;
}
