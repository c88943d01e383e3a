/**
 * Status marks and colours. Every status has its own mark character, so
 * the node list stays readable with colour turned off.
 */
import type { NodeStatus } from './state.js';

/** One-character mark per node status. */
export const STATUS_MARKS: Readonly<Record<NodeStatus, string>> = {
  waiting: '·',
  queued: '○',
  cached: '≡',
  running: '▶',
  done: '✓',
  failed: '✗',
  cancelled: '⊘',
  skipped: '-',
};

/** Ink colour names per status, used only when colour is on. */
export const STATUS_COLORS: Readonly<Record<NodeStatus, string>> = {
  waiting: 'gray',
  queued: 'gray',
  cached: 'cyan',
  running: 'yellow',
  done: 'green',
  failed: 'red',
  cancelled: 'magenta',
  skipped: 'gray',
};

/**
 * Decides whether to colour output from the environment: off when
 * `NO_COLOR` is set to a non-empty value, the convention of
 * https://no-color.org.
 */
export function isColorEnabled(env: NodeJS.ProcessEnv): boolean {
  const noColor = env.NO_COLOR;
  return noColor === undefined || noColor === '';
}
