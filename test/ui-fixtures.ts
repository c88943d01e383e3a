/**
 * Event builders for the UI tests: a small double-distillation run with
 * nodes in every state, at fixed times.
 */
import type {
  PlannedNodeInfo,
  RunEvent,
  ProgressFields,
} from '../src/events/events.js';
import type { ThrottleTimers } from '../src/ui/render-throttle.js';

/** Start of the fixture run, epoch milliseconds. */
export const RUN_START_MS = Date.parse('2026-12-04T10:00:00.000Z');

/** ISO time `offsetMs` after the fixture run started. */
export function at(offsetMs: number): string {
  return new Date(RUN_START_MS + offsetMs).toISOString();
}

/** Builds a fake 64-hex-digit cache key that starts with `prefix`. */
export function fakeKey(prefix: string): string {
  return prefix.padEnd(64, '0');
}

function plannedNode(
  id: string,
  type: string,
  depth: number,
  dependsOn: string[],
  keyPrefix: string,
  cached = false,
): PlannedNodeInfo {
  return {
    id,
    name: id,
    variant: null,
    type,
    key: fakeKey(keyPrefix),
    depth,
    dependsOn,
    cached,
  };
}

/** The planned nodes of the fixture pipeline, in topological order. */
export const FIXTURE_NODES: PlannedNodeInfo[] = [
  plannedNode('load-data', 'load-data', 0, [], 'aa11bb22', true),
  plannedNode(
    'pretrain-student',
    'pretrain-student',
    1,
    ['load-data'],
    'cc33dd44',
  ),
  plannedNode('export-items', 'shell', 1, ['load-data'], 'ee55ff66'),
  plannedNode(
    'init-teacher-from-student',
    'init-teacher-from-student',
    2,
    ['pretrain-student'],
    '12345678',
  ),
  plannedNode(
    'refine-teacher',
    'refine-teacher',
    3,
    ['init-teacher-from-student', 'load-data'],
    '9abcdef0',
  ),
  plannedNode(
    'distill-back',
    'distill-back',
    4,
    ['refine-teacher'],
    '0fedcba9',
  ),
  plannedNode('evaluate', 'evaluate', 5, ['distill-back'], '87654321'),
];

/** `run-started` for the fixture pipeline. */
export function runStarted(nodes = FIXTURE_NODES): RunEvent {
  return {
    kind: 'run-started',
    time: at(0),
    runId: 'run-20261204-100000-x7',
    pipeline: 'double-distillation',
    pipelineFile: '/tmp/pipelines/double-distillation.yaml',
    variants: [],
    nodes,
    backend: 'cpu',
    store: '/tmp/artifacts',
    jobs: 2,
  };
}

/** Builds a progress event of `nodeId` at `offsetMs`. */
export function progress(
  nodeId: string,
  offsetMs: number,
  fields: ProgressFields,
): RunEvent {
  return { kind: 'progress', time: at(offsetMs), nodeId, ...fields };
}

/**
 * Events up to 90 s into the run: `load-data` cached, `pretrain-student`
 * and `init-teacher-from-student` done, `export-items` failed,
 * `refine-teacher` in epoch 3 of 10, and the last two nodes waiting.
 */
export function midRunEvents(): RunEvent[] {
  return [
    runStarted(),
    {
      kind: 'node-cached',
      time: at(100),
      nodeId: 'load-data',
      key: fakeKey('aa11bb22'),
    },
    {
      kind: 'node-started',
      time: at(200),
      nodeId: 'pretrain-student',
      key: fakeKey('cc33dd44'),
    },
    {
      kind: 'node-started',
      time: at(300),
      nodeId: 'export-items',
      key: fakeKey('ee55ff66'),
    },
    {
      kind: 'log',
      time: at(900),
      nodeId: 'export-items',
      level: 'info',
      message: 'writing items.csv',
    },
    {
      kind: 'node-failed',
      time: at(1500),
      nodeId: 'export-items',
      key: fakeKey('ee55ff66'),
      durationMs: 1200,
      error: {
        code: 'NODE_CRASHED',
        message: 'Command `python export.py` exited with code 2',
        detail:
          'Traceback (most recent call last):\nFileNotFoundError: items.csv',
      },
    },
    {
      kind: 'log',
      time: at(12_000),
      nodeId: 'pretrain-student',
      level: 'info',
      message: 'epoch 5: loss 6.0123',
    },
    {
      kind: 'node-finished',
      time: at(12_500),
      nodeId: 'pretrain-student',
      key: fakeKey('cc33dd44'),
      durationMs: 12_300,
      metrics: { 'valid.ndcg@10': 0.041 },
      backend: 'cpu',
    },
    {
      kind: 'node-started',
      time: at(12_600),
      nodeId: 'init-teacher-from-student',
      key: fakeKey('12345678'),
    },
    {
      kind: 'node-finished',
      time: at(14_100),
      nodeId: 'init-teacher-from-student',
      key: fakeKey('12345678'),
      durationMs: 1_500,
      metrics: {},
    },
    {
      kind: 'node-started',
      time: at(14_200),
      nodeId: 'refine-teacher',
      key: fakeKey('9abcdef0'),
    },
    progress('refine-teacher', 20_000, {
      epoch: 1,
      epochs: 10,
      step: 100,
      steps: 400,
      loss: 7.5,
    }),
    progress('refine-teacher', 40_000, {
      epoch: 1,
      epochs: 10,
      step: 400,
      steps: 400,
      loss: 7.1,
      validNdcg10: 0.021,
    }),
    progress('refine-teacher', 60_000, {
      epoch: 2,
      epochs: 10,
      step: 400,
      steps: 400,
      loss: 6.6,
      validNdcg10: 0.034,
    }),
    {
      kind: 'log',
      time: at(61_000),
      nodeId: 'refine-teacher',
      level: 'info',
      message: 'epoch 2: valid NDCG@10 0.0340',
    },
    {
      kind: 'log',
      time: at(62_000),
      nodeId: 'refine-teacher',
      level: 'warn',
      message: 'learning rate reduced to 0.0005',
    },
    progress('refine-teacher', 80_000, {
      epoch: 3,
      epochs: 10,
      step: 120,
      steps: 400,
      loss: 6.2345,
      sequencesPerS: 812.4,
      validNdcg10: 0.034,
    }),
  ];
}

/** `run-finished` after the fixture run failed, with evaluate metrics. */
export function runFinished(): RunEvent {
  return {
    kind: 'run-finished',
    time: at(200_000),
    runId: 'run-20261204-100000-x7',
    status: 'failed',
    durationMs: 200_000,
    counts: { ran: 2, cached: 1, failed: 1, cancelled: 1, skipped: 2 },
    metrics: {
      evaluate: {
        'most-popular': {
          'test.hr@10': 0.0402,
          'test.ndcg@10': 0.0199,
          'test.hr@20': 0.0721,
          'test.ndcg@20': 0.0279,
          'test.mrr': 0.0187,
        },
        'student-distilled': {
          'test.hr@10': 0.0951,
          'test.ndcg@10': 0.0467,
          'test.hr@20': 0.1513,
          'test.ndcg@20': 0.0608,
          'test.mrr': 0.0421,
        },
      },
    },
  };
}

interface ManualTimer {
  id: number;
  dueMs: number;
  callback: () => void;
}

/** Timers driven by hand: time moves only in `advance`. */
export class ManualTimers implements ThrottleTimers {
  nowMs = 0;
  private nextId = 1;
  private timers: ManualTimer[] = [];

  now = (): number => this.nowMs;

  setTimeout = (callback: () => void, delayMs: number): unknown => {
    const id = this.nextId++;
    this.timers.push({ id, dueMs: this.nowMs + delayMs, callback });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  };

  /** Moves time forward, running every timer due on the way in order. */
  advance(deltaMs: number): void {
    const targetMs = this.nowMs + deltaMs;
    for (;;) {
      const due = this.timers
        .filter((timer) => timer.dueMs <= targetMs)
        .sort((a, b) => a.dueMs - b.dueMs)[0];
      if (due === undefined) {
        break;
      }

      this.timers = this.timers.filter((timer) => timer !== due);
      this.nowMs = due.dueMs;
      due.callback();
    }

    this.nowMs = targetMs;
  }

  /** Number of timers waiting to run. */
  get pendingCount(): number {
    return this.timers.length;
  }
}
