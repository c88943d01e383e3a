/**
 * The banner shown while the run stops, and after it stopped: why, and
 * what is kept for the next run.
 */
import { Box } from 'ink';
import type { StoppingState } from '../state.js';
import { Tone } from './tone.js';

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

  return (
    <Box flexDirection="column" width={columns} marginTop={1}>
      <Tone bold color="yellow" wrap="wrap">
        ■ {stopped ? 'Stopped' : 'Stopping'}: {stopping.message}
      </Tone>
      {stopped ? null : (
        <Tone color="yellow" wrap="wrap">
          {'  '}Waiting for running nodes to end; nothing new starts.
        </Tone>
      )}
      <Tone color="yellow" wrap="wrap">
        {'  '}Kept: published artifacts and the checkpoints of interrupted
        nodes. Run the same command again to resume.
      </Tone>
    </Box>
  );
}
