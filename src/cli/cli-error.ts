/**
 * Expected command failures and how the CLI reports every error: pipeline
 * errors rendered with their source lines (exit 2), expected failures as
 * one line (exit 1), and broken invariants with their stack.
 */
import { PipelineError } from '../spec/index.js';

/** Exit code of an invalid pipeline file. */
export const EXIT_PIPELINE_INVALID = 2;

/** Exit code of a run stopped by Ctrl-C, SIGTERM or `q`. */
export const EXIT_CANCELLED = 130;

/** An expected failure of a command, shown as one line without a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    /** Process exit code. Default 1. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Destination of error text. */
export interface ErrorOutput {
  write(text: string): void;
  /** Whether to colour pipeline errors. */
  color: boolean;
}

/** Writes `error` for people and returns the exit code to end with. */
export function reportError(error: unknown, output: ErrorOutput): number {
  if (error instanceof PipelineError) {
    output.write(`${error.render({ color: output.color })}\n`);
    return EXIT_PIPELINE_INVALID;
  }

  if (error instanceof CliError) {
    output.write(`error: ${error.message}\n`);
    return error.exitCode;
  }

  const message = error instanceof Error ? error.message : String(error);
  if (isExpectedError(error) && !message.startsWith('Internal error')) {
    output.write(`error: ${message}\n`);
    return 1;
  }

  const stack = error instanceof Error && error.stack ? `\n${error.stack}` : '';
  const prefix = message.startsWith('Internal error') ? '' : 'Internal error: ';
  output.write(`${prefix}${message}${stack}\n`);
  return 1;
}

/**
 * Errors that describe a user's situation rather than a bug: those with a
 * string `code` (file system errors, the project's typed errors) and plain
 * errors whose message does not claim a broken invariant.
 */
function isExpectedError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || error.constructor === Error;
}
