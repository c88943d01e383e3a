/**
 * Wires a store, the stop request and the root component together, apart
 * from Ink's `render`, so tests can mount the same element with
 * ink-testing-library.
 */
import { createElement, type ReactElement } from 'react';
import { RunView } from './components/run-view.js';
import { USER_STOP_MESSAGE } from './components/stopping-banner.js';
import type { ThrottleTimers } from './render-throttle.js';
import type { StopKey } from './hooks.js';
import { createRunStore, type RunStore } from './run-store.js';
import { isColorEnabled } from './theme.js';
import { UiOptionsContext } from './ui-context.js';

/** Options of the run view. */
export interface RunViewOptions {
  /**
   * Called when the user presses `q` or Ctrl-C.
   *
   * Note: called at most once, and not after `run-finished` arrived.
   */
  onCancel: () => void;
  /**
   * Called when Ctrl-C is pressed again after a stop was requested, as a
   * second SIGINT would be: the caller exits at once. Not called after
   * `run-finished` arrived.
   */
  onForceQuit?: () => void;
  /** Width in columns, replacing the output stream's. @default stream's */
  columns?: number;
  /**
   * Whether to colour the output. With colour off the view writes no
   * escape sequences for colour or style; marks stay distinct characters.
   *
   * @default false when `NO_COLOR` is set to a non-empty value, else true
   */
  color?: boolean;
  /** Clock for elapsed times, epoch milliseconds. @default Date.now */
  now?: () => number;
  /** Minimum time between redraws. @default RENDER_INTERVAL_MS (100) */
  renderIntervalMs?: number;
  /** Timers of the redraw throttle, for tests. @default the process's */
  timers?: ThrottleTimers;
}

/** A store and the element that shows it. */
export interface RunViewHandle {
  store: RunStore;
  element: ReactElement;
}

/** Creates the store and the root element of the live view. */
export function createRunView(options: RunViewOptions): RunViewHandle {
  const now = options.now ?? (() => Date.now());
  const store = createRunStore({
    renderIntervalMs: options.renderIntervalMs,
    timers: options.timers,
  });

  let stopRequested = false;
  const requestStop = (key: StopKey): void => {
    if (store.getState().finished !== undefined) return;
    if (stopRequested) {
      if (key === 'ctrl-c') options.onForceQuit?.();
      return;
    }

    stopRequested = true;
    store.dispatch({
      kind: 'run-stopping',
      time: new Date(now()).toISOString(),
      reason: 'user',
      message: USER_STOP_MESSAGE,
    });
    options.onCancel();
  };

  const color = options.color ?? isColorEnabled(process.env);
  const element = createElement(
    UiOptionsContext.Provider,
    { value: { color, now } },
    createElement(RunView, {
      store,
      onStop: requestStop,
      columns: options.columns,
    }),
  );

  return { store, element };
}
