/**
 * Failures of the `command` node type, as typed errors with a stable code
 * that the runner carries into the node's `node-failed` event.
 */

/** Why a command node failed. */
export type CommandFailureReason =
  /** A param has a value the node cannot use, such as an escaping out. */
  | 'COMMAND_INVALID_PARAM'
  /** The executable could not be started, for example it is not on PATH. */
  | 'COMMAND_NOT_STARTED'
  /** The command exited with a non-zero code. */
  | 'COMMAND_FAILED'
  /** The command was ended by a signal it did not send itself. */
  | 'COMMAND_KILLED'
  /** A declared out does not exist after the command exited. */
  | 'COMMAND_OUT_MISSING';

/** A failure of a command node, with the reason as its `code`. */
export class CommandError extends Error {
  constructor(
    readonly code: CommandFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CommandError';
  }
}

/** Shortens `value` for a message, keeping its start. */
export function quoteForMessage(value: string, maxLength = 120): string {
  const short =
    value.length > maxLength ? `${value.slice(0, maxLength - 1)}…` : value;
  return `\`${short}\``;
}
