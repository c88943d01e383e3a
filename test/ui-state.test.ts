import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/events/events.js';
import { LOG_LINES_KEPT } from '../src/ui/log-lines.js';
import {
  createInitialRunState,
  reduceRunState,
  type RunState,
} from '../src/ui/state.js';
import { countByStatus, countSettledNodes } from '../src/ui/state-queries.js';
import {
  FIXTURE_NODES,
  RUN_START_MS,
  at,
  fakeKey,
  midRunEvents,
  progress,
  runFinished,
  runStarted,
} from './ui-fixtures.js';

function reduceAll(events: RunEvent[]): RunState {
  return events.reduce(reduceRunState, createInitialRunState());
}

describe('reduceRunState', () => {
  it('keeps nodes in the order run-started lists them', () => {
    const state = reduceAll([runStarted()]);

    expect(state.order).toEqual([
      'load-data',
      'pretrain-student',
      'export-items',
      'init-teacher-from-student',
      'refine-teacher',
      'distill-back',
      'evaluate',
    ]);
    expect(state.run?.startedAtMs).toBe(RUN_START_MS);
    expect(state.run?.backend).toBe('cpu');
    expect(countByStatus(state).waiting).toBe(7);
  });

  it('tracks each status of the mid-run fixture', () => {
    const state = reduceAll(midRunEvents());
    const statuses = state.order.map((id) => state.nodes[id].status);

    expect(statuses).toEqual([
      'cached',
      'done',
      'failed',
      'done',
      'running',
      'waiting',
      'waiting',
    ]);
    expect(countSettledNodes(state)).toBe(4);
  });

  it('stores durations, start times and errors', () => {
    const state = reduceAll(midRunEvents());

    expect(state.nodes['pretrain-student'].durationMs).toBe(12_300);
    expect(state.nodes['refine-teacher'].startedAtMs).toBe(
      RUN_START_MS + 14_200,
    );
    expect(state.nodes['export-items'].error?.code).toBe('NODE_CRASHED');
    expect(state.nodes['export-items'].durationMs).toBe(1200);
  });

  it('moves a waiting node to queued but not a running one', () => {
    const queued = reduceAll([
      runStarted(),
      { kind: 'node-queued', time: at(1), nodeId: 'evaluate' },
    ]);
    const running = reduceAll([
      runStarted(),
      { kind: 'node-started', time: at(1), nodeId: 'evaluate', key: '' },
      { kind: 'node-queued', time: at(2), nodeId: 'evaluate' },
    ]);

    expect(queued.nodes.evaluate.status).toBe('queued');
    expect(running.nodes.evaluate.status).toBe('running');
  });

  it('takes the key from node-started when the plan had none', () => {
    const planned = FIXTURE_NODES.map((node) => ({ ...node, key: '' }));
    const state = reduceAll([
      runStarted(planned),
      {
        kind: 'node-started',
        time: at(1),
        nodeId: 'evaluate',
        key: fakeKey('feedface'),
      },
    ]);

    expect(state.nodes['distill-back'].key).toBe('');
    expect(state.nodes.evaluate.key).toBe(fakeKey('feedface'));
  });

  it('marks a node failed with code CANCELLED as cancelled', () => {
    const state = reduceAll([
      runStarted(),
      { kind: 'node-started', time: at(1), nodeId: 'evaluate', key: '' },
      {
        kind: 'node-failed',
        time: at(5),
        nodeId: 'evaluate',
        key: '',
        durationMs: 4,
        error: { code: 'CANCELLED', message: 'stopped by the user' },
      },
    ]);

    expect(state.nodes.evaluate.status).toBe('cancelled');
  });

  it('ignores events for unknown nodes', () => {
    const before = reduceAll([runStarted()]);
    const after = reduceRunState(
      before,
      progress('no-such-node', 10, { epoch: 1, epochs: 2 }),
    );

    expect(after).toBe(before);
  });

  it('keeps only the newest log lines and splits multi-line messages', () => {
    const logs: RunEvent[] = Array.from({ length: 30 }, (_, i) => ({
      kind: 'log',
      time: at(i),
      nodeId: 'evaluate',
      level: 'info',
      message: `line ${i}`,
    }));
    const state = reduceAll([
      runStarted(),
      ...logs,
      {
        kind: 'log',
        time: at(40),
        nodeId: 'evaluate',
        level: 'error',
        message: 'first\nsecond\n',
      },
    ]);
    const lines = state.nodes.evaluate.logs;

    expect(lines).toHaveLength(LOG_LINES_KEPT);
    expect(lines.at(-1)?.message).toBe('second');
    expect(lines.at(-2)?.message).toBe('first');
    expect(lines[0].message).toBe(`line ${32 - LOG_LINES_KEPT}`);
  });

  it('joins metrics of one epoch into one log line', () => {
    const metric = (
      offsetMs: number,
      name: string,
      value: number,
      epoch?: number,
    ): RunEvent => ({
      kind: 'metric',
      time: at(offsetMs),
      nodeId: 'evaluate',
      name,
      value,
      epoch,
    });
    const state = reduceAll([
      runStarted(),
      metric(1, 'train.loss', 5.12345, 3),
      metric(2, 'valid.ndcg@10', 0, 3),
      metric(3, 'train.loss', 5.01, 4),
      metric(4, 'test.cases', 943),
    ]);

    expect(state.nodes.evaluate.logs.map((line) => line.message)).toEqual([
      'epoch 3: train.loss 5.1235 · valid.ndcg@10 0.0000',
      'epoch 4: train.loss 5.0100',
      'test.cases 943',
    ]);
  });

  it('keeps log lines without a node id as run logs', () => {
    const state = reduceAll([
      runStarted(),
      { kind: 'log', time: at(1), level: 'warn', message: 'store is slow' },
    ]);

    expect(state.runLogs.map((line) => line.message)).toEqual([
      'store is slow',
    ]);
  });

  it('keeps the first stop reason and the newest message', () => {
    const state = reduceAll([
      runStarted(),
      {
        kind: 'run-stopping',
        time: at(10),
        reason: 'user',
        message: 'stop requested',
      },
      {
        kind: 'run-stopping',
        time: at(20),
        reason: 'signal',
        message: 'waiting for 1 node',
      },
    ]);

    expect(state.stopping).toEqual({
      reason: 'user',
      message: 'waiting for 1 node',
      sinceMs: RUN_START_MS + 10,
    });
  });

  it('settles unfinished nodes when the run ends', () => {
    const state = reduceAll([...midRunEvents(), runFinished()]);

    expect(state.nodes['refine-teacher'].status).toBe('cancelled');
    expect(state.nodes['refine-teacher'].durationMs).toBe(200_000 - 14_200);
    expect(state.nodes['distill-back'].status).toBe('skipped');
    expect(state.nodes.evaluate.status).toBe('skipped');
    expect(state.finished?.status).toBe('failed');
    expect(state.finished?.durationMs).toBe(200_000);
  });

  it('marks waiting nodes skipped when the run was cancelled', () => {
    const finished = runFinished();
    if (finished.kind !== 'run-finished') {
      throw new Error('fixture must be run-finished');
    }

    const state = reduceAll([
      runStarted(),
      { ...finished, status: 'cancelled' },
    ]);

    expect(state.nodes.evaluate.status).toBe('skipped');
  });
});

describe('progress tracking', () => {
  it('merges fields and keeps the ones an event leaves out', () => {
    const state = reduceAll([
      runStarted(),
      progress('evaluate', 10, { epoch: 2, epochs: 5, loss: 3.5 }),
      progress('evaluate', 20, { phase: 'validating' }),
    ]);
    const progressState = state.nodes.evaluate.progress;

    expect(progressState?.epoch).toBe(2);
    expect(progressState?.loss).toBe(3.5);
    expect(progressState?.phase).toBe('validating');
  });

  it('clears the phase when an event carries none', () => {
    const state = reduceAll([
      runStarted(),
      progress('evaluate', 10, { epoch: 1, epochs: 5, phase: 'validating' }),
      progress('evaluate', 20, { epoch: 2, epochs: 5, step: 1, steps: 9 }),
    ]);

    expect(state.nodes.evaluate.progress?.phase).toBeUndefined();
    expect(state.nodes.evaluate.progress?.epoch).toBe(2);
  });

  it('estimates the ETA from steps per second between events', () => {
    // 100 steps at 20 s, 900 steps at 60 s: 20 steps/s. At step 900 of
    // 10 x 400 = 4000, 3100 steps are left: 155 s.
    const state = reduceAll([
      runStarted(),
      progress('evaluate', 20_000, {
        epoch: 1,
        epochs: 10,
        step: 100,
        steps: 400,
      }),
      progress('evaluate', 60_000, {
        epoch: 3,
        epochs: 10,
        step: 100,
        steps: 400,
      }),
    ]);
    const progressState = state.nodes.evaluate.progress;

    expect(progressState?.unitsPerS).toBeCloseTo(20, 10);
    expect(progressState?.etaMs).toBeCloseTo(155_000, 6);
  });

  it('uses epochs as the unit when steps are unknown', () => {
    const state = reduceAll([
      runStarted(),
      progress('evaluate', 0, { epoch: 1, epochs: 5 }),
      progress('evaluate', 10_000, { epoch: 3, epochs: 5 }),
    ]);

    // Two epochs in 10 s, three left (the third is in progress).
    expect(state.nodes.evaluate.progress?.etaMs).toBeCloseTo(15_000, 6);
  });

  it('measures afresh after work goes backwards', () => {
    const state = reduceAll([
      runStarted(),
      progress('evaluate', 0, { epoch: 5, epochs: 10, step: 1, steps: 10 }),
      progress('evaluate', 1_000, { epoch: 6, epochs: 10, step: 1, steps: 10 }),
      progress('evaluate', 2_000, { epoch: 2, epochs: 10, step: 1, steps: 10 }),
    ]);
    const progressState = state.nodes.evaluate.progress;

    expect(progressState?.etaMs).toBeUndefined();
    expect(progressState?.anchor).toEqual({
      timeMs: RUN_START_MS + 2_000,
      unitsDone: 11,
    });
  });

  it('records one validation point per changed value', () => {
    const state = reduceAll([
      runStarted(),
      progress('evaluate', 1, { epoch: 1, validNdcg10: 0.01 }),
      progress('evaluate', 2, { epoch: 2, validNdcg10: 0.01 }),
      progress('evaluate', 3, { epoch: 2, validNdcg10: 0.02 }),
      progress('evaluate', 4, { epoch: 3, step: 5 }),
      progress('evaluate', 5, { epoch: 3, validNdcg10: 0.015 }),
    ]);

    expect(state.nodes.evaluate.progress?.validHistory).toEqual([
      { epoch: 1, value: 0.01 },
      { epoch: 2, value: 0.02 },
      { epoch: 3, value: 0.015 },
    ]);
  });

  it('takes validation points from metric events by epoch', () => {
    const state = reduceAll([
      runStarted(),
      {
        kind: 'metric',
        time: at(1),
        nodeId: 'evaluate',
        name: 'valid.ndcg@10',
        value: 0.03,
        epoch: 1,
      },
      progress('evaluate', 2, { epoch: 1, validNdcg10: 0.031 }),
      {
        kind: 'metric',
        time: at(3),
        nodeId: 'evaluate',
        name: 'train.loss',
        value: 5,
        epoch: 1,
      },
    ]);
    const progressState = state.nodes.evaluate.progress;

    expect(progressState?.validHistory).toEqual([{ epoch: 1, value: 0.031 }]);
    expect(progressState?.validNdcg10).toBe(0.031);
  });

  it('starts a fresh progress history when a node starts again', () => {
    const state = reduceAll([
      runStarted(),
      progress('evaluate', 1, { epoch: 3, epochs: 4 }),
      {
        kind: 'node-started',
        time: at(2),
        nodeId: 'evaluate',
        key: '',
        resumedFromEpoch: 3,
      },
    ]);

    expect(state.nodes.evaluate.progress).toBeUndefined();
    expect(state.nodes.evaluate.resumedFromEpoch).toBe(3);
  });
});
