/**
 * The loggers' handling of a reader that goes away, as in
 * `distillery run --ui json | head -3`. The logger stops writing and
 * stops the run the way Ctrl-C does, so the checkpoints are kept and the
 * same command resumes. Without this, Node reports the write's EPIPE as
 * an unhandled error and the process dies with a stack trace.
 */

/** Options of `watchForClosedOutput`. */
export interface ClosedOutputOptions {
  /**
   * Called once when the reader is gone. Default: send SIGINT to this
   * process, which the CLI handles as a stop request.
   */
  onClosed?: () => void;
}

/** State of a watched stream. */
export interface OutputWatch {
  /** Whether the reader is still there. */
  writable(): boolean;
  /** A promise that settles when the reader goes away, never otherwise. */
  closed: Promise<void>;
}

/** Watches `stream` for a broken pipe. */
export function watchForClosedOutput(
  stream: NodeJS.WritableStream,
  options: ClosedOutputOptions = {},
): OutputWatch {
  let open = true;
  let markClosed = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  // Test doubles may implement `write` alone.
  if (typeof stream.on !== 'function') return { writable: () => true, closed };

  const onClosed =
    options.onClosed ?? (() => process.kill(process.pid, 'SIGINT'));
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (!open) return;
    open = false;
    markClosed();
    onClosed();
  });
  return { writable: () => open, closed };
}
