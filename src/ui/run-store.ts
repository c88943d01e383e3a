/**
 * The UI's store: reduces every event into the latest state at once and
 * publishes a snapshot to the components through the redraw throttle.
 */
import type { RunEvent, RunEventKind } from '../events/events.js';
import {
  RENDER_INTERVAL_MS,
  createRenderThrottle,
  systemTimers,
  type ThrottleTimers,
} from './render-throttle.js';
import {
  createInitialRunState,
  reduceRunState,
  type RunState,
} from './state.js';

/**
 * Events shown without waiting for the throttle: they are rare and change
 * the whole screen (the node list, the stopping banner, the summary).
 */
const IMMEDIATE_EVENT_KINDS: ReadonlySet<RunEventKind> = new Set([
  'run-started',
  'run-stopping',
  'run-finished',
]);

/** Options of `createRunStore`. */
export interface RunStoreOptions {
  /** Minimum time between two published snapshots. @default 100 */
  renderIntervalMs?: number;
  /** Clock and timers, for tests. @default the process's */
  timers?: ThrottleTimers;
}

/** State holder shared by the logger and the Ink components. */
export interface RunStore {
  /** Reduces one event into the state and schedules a redraw. */
  dispatch(event: RunEvent): void;
  /** The latest state, including events not yet drawn. */
  getState(): RunState;
  /** The state last published to the components. */
  getSnapshot(): RunState;
  /** Calls `listener` after each publish; returns the unsubscriber. */
  subscribe(listener: () => void): () => void;
  /** Publishes the latest state now. */
  flush(): void;
  /** Drops any pending publish. */
  dispose(): void;
}

/** Creates an empty store. */
export function createRunStore(options: RunStoreOptions = {}): RunStore {
  let state = createInitialRunState();
  let snapshot = state;
  const listeners = new Set<() => void>();

  const publish = (): void => {
    if (snapshot === state) {
      return;
    }

    snapshot = state;
    for (const listener of listeners) {
      listener();
    }
  };

  const throttle = createRenderThrottle(
    publish,
    options.renderIntervalMs ?? RENDER_INTERVAL_MS,
    options.timers ?? systemTimers,
  );

  return {
    dispatch(event) {
      state = reduceRunState(state, event);
      if (IMMEDIATE_EVENT_KINDS.has(event.kind)) {
        throttle.flush();
      } else {
        throttle.request();
      }
    },
    getState: () => state,
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush: () => throttle.flush(),
    dispose: () => throttle.cancel(),
  };
}
