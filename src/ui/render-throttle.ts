/**
 * The redraw throttle: events update the state at once, but the screen is
 * redrawn at most once per interval (unless a caller flushes), so a node
 * that reports progress on every step neither floods the terminal nor
 * slows its own training.
 */

/** Minimum time between two redraws of the live UI. */
export const RENDER_INTERVAL_MS = 100;

/** The clock and timers the throttle uses; injectable for tests. */
export interface ThrottleTimers {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A throttled callback. */
export interface RenderThrottle {
  /**
   * Asks for a redraw: runs the callback now when the last run is at
   * least the interval ago, and otherwise once when the interval is over.
   */
  request(): void;
  /** Runs the callback now and drops any pending run. */
  flush(): void;
  /** Drops any pending run. */
  cancel(): void;
}

/** The process clock and timers; pending timers do not keep it alive. */
export const systemTimers: ThrottleTimers = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/**
 * Creates a throttle whose `request` runs `callback` at most once per
 * `intervalMs`; `flush` runs it at once.
 */
export function createRenderThrottle(
  callback: () => void,
  intervalMs: number,
  timers: ThrottleTimers = systemTimers,
): RenderThrottle {
  let lastRunMs = Number.NEGATIVE_INFINITY;
  let pending: unknown;

  const run = (): void => {
    pending = undefined;
    lastRunMs = timers.now();
    callback();
  };

  const cancel = (): void => {
    if (pending !== undefined) {
      timers.clearTimeout(pending);
      pending = undefined;
    }
  };

  const request = (): void => {
    if (pending !== undefined) {
      return;
    }

    const waitMs = lastRunMs + intervalMs - timers.now();
    if (waitMs <= 0) {
      run();
      return;
    }

    pending = timers.setTimeout(run, waitMs);
  };

  const flush = (): void => {
    cancel();
    run();
  };

  return { request, flush, cancel };
}
