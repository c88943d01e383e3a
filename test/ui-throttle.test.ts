import { describe, expect, it } from 'vitest';
import {
  RENDER_INTERVAL_MS,
  createRenderThrottle,
} from '../src/ui/render-throttle.js';
import { createRunStore } from '../src/ui/run-store.js';
import { ManualTimers, progress, runStarted } from './ui-fixtures.js';

describe('createRenderThrottle', () => {
  it('runs the first request at once', () => {
    const timers = new ManualTimers();
    let runs = 0;
    const throttle = createRenderThrottle(() => (runs += 1), 100, timers);

    throttle.request();

    expect(runs).toBe(1);
    expect(timers.pendingCount).toBe(0);
  });

  it('merges requests within the interval into one later run', () => {
    const timers = new ManualTimers();
    const runTimes: number[] = [];
    const throttle = createRenderThrottle(
      () => runTimes.push(timers.now()),
      100,
      timers,
    );

    throttle.request();
    timers.advance(10);
    throttle.request();
    timers.advance(10);
    throttle.request();
    timers.advance(200);

    expect(runTimes).toEqual([0, 100]);
  });

  it('flush runs now and drops the pending run', () => {
    const timers = new ManualTimers();
    let runs = 0;
    const throttle = createRenderThrottle(() => (runs += 1), 100, timers);

    throttle.request();
    timers.advance(1);
    throttle.request();
    throttle.flush();
    timers.advance(500);

    expect(runs).toBe(2);
  });
});

describe('createRunStore', () => {
  it('publishes a burst of progress events at most once per interval', () => {
    const timers = new ManualTimers();
    const store = createRunStore({ timers });
    let publishes = 0;
    store.subscribe(() => (publishes += 1));

    store.dispatch(runStarted());
    expect(publishes).toBe(1);

    // 1000 steps, 2 ms apart: 2 s of training.
    for (let step = 1; step <= 1000; step += 1) {
      timers.advance(2);
      store.dispatch(
        progress('refine-teacher', step * 2, { step, steps: 1000 }),
      );
    }

    timers.advance(RENDER_INTERVAL_MS);

    const maxPublishes = 1 + 2000 / RENDER_INTERVAL_MS + 1;
    expect(publishes).toBeLessThanOrEqual(maxPublishes);
    expect(publishes).toBeGreaterThanOrEqual(maxPublishes - 2);
    expect(store.getSnapshot().nodes['refine-teacher'].progress?.step).toBe(
      1000,
    );
  });

  it('keeps the latest state ahead of the published snapshot', () => {
    const timers = new ManualTimers();
    const store = createRunStore({ timers });

    store.dispatch(runStarted());
    timers.advance(RENDER_INTERVAL_MS);
    store.dispatch(progress('evaluate', 1, { step: 1, steps: 9 }));
    timers.advance(1);
    store.dispatch(progress('evaluate', 2, { step: 2, steps: 9 }));

    expect(store.getState().nodes.evaluate.progress?.step).toBe(2);
    expect(store.getSnapshot().nodes.evaluate.progress?.step).toBe(1);

    timers.advance(RENDER_INTERVAL_MS);
    expect(store.getSnapshot().nodes.evaluate.progress?.step).toBe(2);
  });

  it('publishes run-level events without waiting', () => {
    const timers = new ManualTimers();
    const store = createRunStore({ timers });

    store.dispatch(runStarted());
    store.dispatch(progress('evaluate', 1, { step: 1, steps: 9 }));
    store.dispatch({
      kind: 'run-stopping',
      time: new Date(0).toISOString(),
      reason: 'signal',
      message: 'SIGTERM received',
    });

    expect(store.getSnapshot().stopping?.message).toBe('SIGTERM received');
    expect(timers.pendingCount).toBe(0);
  });
});
