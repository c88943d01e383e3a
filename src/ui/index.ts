/**
 * The live Ink terminal UI: a `Logger` that draws the run's event stream
 * as a node list with progress bars, logs and a final summary.
 *
 * Note: this logger expects a terminal. Without one, the CLI uses the
 * plain logger instead.
 */
import { render } from 'ink';
import type { Logger } from '../events/events.js';
import { createRunView, type RunViewOptions } from './run-view.js';

export { RENDER_INTERVAL_MS } from './render-throttle.js';
export { USER_STOP_MESSAGE } from './components/stopping-banner.js';
export { createRunView } from './run-view.js';
export type { RunViewHandle, RunViewOptions } from './run-view.js';
export { createInitialRunState, reduceRunState } from './state.js';
export type { NodeStatus, RunState } from './state.js';

/** Options of `createInkLogger`. */
export interface InkLoggerOptions extends RunViewOptions {
  /** Terminal to draw on; its `columns` and `resize` events set the width. */
  stdout: NodeJS.WriteStream;
  /**
   * Keyboard input. In raw mode (a TTY) the arrow keys select nodes and
   * `q` or Ctrl-C stop the run; otherwise keys are ignored.
   */
  stdin: NodeJS.ReadStream;
}

/**
 * Creates a logger that draws the run live with Ink until `close`, which
 * leaves the final frame (the summary) on the terminal.
 */
export function createInkLogger(options: InkLoggerOptions): Logger {
  const view = createRunView(options);
  const instance = render(view.element, {
    stdout: options.stdout,
    stdin: options.stdin,
    // Ctrl-C arrives as a key in raw mode; the view turns it into a stop
    // request instead of letting Ink exit the process.
    exitOnCtrlC: false,
    // Anything a dependency prints with `console` while the view is live
    // goes above the frame instead of through it.
    patchConsole: true,
  });

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    view.store.flush();
    // React commits a store update in a later microtask, so close waits
    // one turn of the event loop. Then the final state (the summary) is
    // rendered before Ink writes its last frame.
    await new Promise((resolve) => setImmediate(resolve));
    instance.unmount();
    await instance.waitUntilExit();
    view.store.dispose();
  };

  return {
    handle: (event) => view.store.dispatch(event),
    close: () => (closing ??= close()),
  };
}
