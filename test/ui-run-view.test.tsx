import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PlannedNodeInfo, RunEvent } from '../src/events/events.js';
import type { RunStore } from '../src/ui/run-store.js';
import { createRunView, type RunViewOptions } from '../src/ui/run-view.js';
import {
  FIXTURE_NODES,
  ManualTimers,
  RUN_START_MS,
  at,
  fakeKey,
  midRunEvents,
  progress,
  runFinished,
  runStarted,
} from './ui-fixtures.js';

const ARROW_UP = '\u001B[A';
const ARROW_DOWN = '\u001B[B';
const CTRL_C = '\u0003';

/** Lets Ink handle pending input and renders. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * Types one key and waits until `check` passes, so the next key is typed
 * only after this one has been drawn.
 */
async function pressKey(
  ui: { stdin: { write(data: string): void } },
  key: string,
  check: () => void,
): Promise<void> {
  ui.stdin.write(key);
  await vi.waitFor(check, { timeout: 2_000, interval: 10 });
}

const mounted: { unmount(): void }[] = [];

afterEach(() => {
  for (const ui of mounted.splice(0)) {
    ui.unmount();
  }
});

function mountView(options: Partial<RunViewOptions> = {}) {
  const onCancel = vi.fn();
  const view = createRunView({
    onCancel,
    color: false,
    now: () => RUN_START_MS + 95_000,
    renderIntervalMs: 0,
    ...options,
  });
  const ui = render(view.element);
  mounted.push(ui);

  const dispatchAll = (events: RunEvent[]): void => {
    for (const event of events) {
      view.store.dispatch(event);
    }
    view.store.flush();
  };

  const frameLines = (): string[] => (ui.lastFrame() ?? '').split('\n');
  const lineWith = (text: string): string => {
    const line = frameLines().find((candidate) => candidate.includes(text));
    if (line === undefined) {
      throw new Error(
        `No line contains ${JSON.stringify(text)}:\n` + ui.lastFrame(),
      );
    }
    return line;
  };

  return { view, ui, onCancel, dispatchAll, frameLines, lineWith };
}

describe('node list', () => {
  it('shows marks, statuses, durations and key prefixes', async () => {
    const { dispatchAll, lineWith } = mountView();
    dispatchAll(midRunEvents());
    await settle();

    expect(lineWith('load-data')).toMatch(/≡ load-data +cached +aa11bb22$/);
    expect(lineWith('pretrain-student')).toMatch(
      /✓ {3}pretrain-student +done +12s +cc33dd44$/,
    );
    expect(lineWith('export-items')).toMatch(
      /✗ {3}export-items +failed +1\.2s +ee55ff66$/,
    );
    expect(lineWith('init-teacher-from-student')).toMatch(
      /✓ {5}init-teacher-from-student +done +1\.5s +12345678$/,
    );
    expect(lineWith('› ▶')).toMatch(
      /^› ▶ {7}refine-teacher +running +1m 20s +9abcdef0$/,
    );
    expect(lineWith('distill-back')).toMatch(
      /· {9}distill-back +waiting +0fedcba9$/,
    );
  });

  it('shows the failure message under a failed node', async () => {
    const { dispatchAll, frameLines } = mountView();
    dispatchAll(midRunEvents());
    await settle();

    const lines = frameLines();
    const row = lines.findIndex((line) => line.includes('export-items'));
    expect(lines[row + 1]).toBe(
      '    NODE_CRASHED: Command `python export.py` exited with code 2',
    );
  });

  it('shows the run header with elapsed time and settled count', async () => {
    const { dispatchAll, frameLines } = mountView();
    dispatchAll(midRunEvents());
    await settle();

    const [title, status] = frameLines();
    expect(title).toBe(
      'distillery · double-distillation · run run-20261204-100000-x7',
    );
    // 4 of 7 nodes on a 30-cell bar: 17 full cells and an eighth.
    expect(status).toBe(
      'backend cpu · elapsed 1m 35s · nodes 4/7 ' +
        '█'.repeat(17) +
        '▏' +
        '░'.repeat(12),
    );
  });

  it('leaves the backend out until one is known', async () => {
    const { dispatchAll, frameLines } = mountView();
    const started = runStarted();
    dispatchAll([{ ...started, backend: undefined } as RunEvent]);
    await settle();

    expect(frameLines()[1]).toMatch(/^elapsed 1m 35s · nodes 0\/7 ░+$/);
  });
});

describe('progress panel', () => {
  it('shows bars, loss, throughput, ETA and the trend line', async () => {
    const { dispatchAll, lineWith } = mountView();
    dispatchAll(midRunEvents());
    await settle();

    // 2 epochs and 120 of 400 steps done of 10 epochs: 23% of a 40-cell
    // bar is 9 full cells and a quarter cell.
    expect(lineWith('epoch 3/10')).toBe(
      '  epoch 3/10   ' + '█'.repeat(9) + '▎' + '░'.repeat(30) + '  23%',
    );
    expect(lineWith('step 120/400')).toBe(
      '  step 120/400 ' + '█'.repeat(12) + '░'.repeat(28) + '  30%',
    );
    // 820 steps in 60 s; 3080 steps left is 225 s at the last event,
    // which was 15 s before the view's clock.
    expect(lineWith('loss')).toBe('  loss 6.2345 · 812 seq/s · ETA 3m 30s');
    expect(lineWith('valid NDCG@10')).toBe('  valid NDCG@10 0.0340 ▁█');
  });

  it('shows panels for at most two running nodes', async () => {
    const { frameLines, dispatchAll } = mountView();
    const started = (nodeId: string, offsetMs: number): RunEvent => ({
      kind: 'node-started',
      time: at(offsetMs),
      nodeId,
      key: '',
    });
    dispatchAll([
      runStarted(),
      started('load-data', 1),
      started('pretrain-student', 2),
      started('export-items', 3),
    ]);
    await settle();

    const panelTitles = frameLines().filter((line) => /^▶ /.test(line));
    // The followed node (started last) comes first, then list order.
    expect(panelTitles).toEqual([
      '▶ export-items · running',
      '▶ load-data · running',
    ]);
  });

  it('notes a resumed node and one without progress yet', async () => {
    const { dispatchAll, lineWith } = mountView();
    dispatchAll([
      runStarted(),
      {
        kind: 'node-started',
        time: at(10),
        nodeId: 'refine-teacher',
        key: fakeKey('9abcdef0'),
        resumedFromEpoch: 4,
      },
    ]);
    await settle();

    expect(lineWith('resumed')).toBe(
      '▶ refine-teacher · running · resumed from epoch 4',
    );
    expect(lineWith('waiting for the first')).toBe(
      '  waiting for the first progress report',
    );
  });
});

describe('keys', () => {
  it('arrow keys move the selection and change the footer', async () => {
    const { ui, dispatchAll, lineWith } = mountView();
    dispatchAll(midRunEvents());
    await settle();

    expect(lineWith('── ')).toMatch(/^── refine-teacher ─+$/);
    expect(lineWith('warn:')).toBe('  warn: learning rate reduced to 0.0005');

    await pressKey(ui, ARROW_UP, () =>
      expect(lineWith('── ')).toMatch(/^── init-teacher-from-student ─+$/),
    );
    expect(lineWith('no log lines')).toBe('  no log lines yet');

    await pressKey(ui, ARROW_UP, () =>
      expect(lineWith('›')).toContain('export-items'),
    );
    expect(lineWith('error: FileNotFound')).toBe(
      '  error: FileNotFoundError: items.csv',
    );

    await pressKey(ui, ARROW_UP, () =>
      expect(lineWith('›')).toContain('pretrain-student'),
    );
    await pressKey(ui, ARROW_DOWN, () =>
      expect(lineWith('›')).toContain('export-items'),
    );
    await pressKey(ui, ARROW_UP, () =>
      expect(lineWith('›')).toContain('pretrain-student'),
    );
    expect(lineWith('epoch 5:')).toBe('  epoch 5: loss 6.0123');
  });

  it('q calls onCancel once and shows the stopping banner', async () => {
    const onForceQuit = vi.fn();
    const { ui, onCancel, dispatchAll, lineWith } = mountView({ onForceQuit });
    dispatchAll(midRunEvents());
    await settle();
    expect(ui.lastFrame()).not.toContain('Stopping');

    await pressKey(ui, 'q', () => expect(lineWith('■')).toBeDefined());
    ui.stdin.write('q');
    ui.stdin.write(CTRL_C);
    // Keys are handled in order, so once the selection moves, the second
    // `q` and Ctrl-C have been handled too.
    await pressKey(ui, ARROW_UP, () =>
      expect(lineWith('›')).toContain('init-teacher-from-student'),
    );

    expect(onCancel).toHaveBeenCalledTimes(1);
    // The second q does nothing, and the Ctrl-C after it requests an
    // immediate exit.
    expect(onForceQuit).toHaveBeenCalledTimes(1);
    expect(lineWith('■')).toBe('■ Stopping: stop requested with q or Ctrl-C.');
    expect(lineWith('Ctrl-C again')).toBe(
      '  Ctrl-C again exits at once; nodes resume from their last epoch.',
    );
    expect(lineWith('Waiting for running')).toBe(
      '  Waiting for running nodes to end; nothing new starts.',
    );
    expect(lineWith('Kept:')).toContain(
      'Kept: published artifacts and the checkpoints of interrupted nodes.',
    );
  });

  it('Ctrl-C calls onCancel', async () => {
    const { ui, onCancel, dispatchAll } = mountView();
    dispatchAll(midRunEvents());
    await settle();

    await pressKey(ui, CTRL_C, () =>
      expect(ui.lastFrame()).toContain('■ Stopping'),
    );

    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('q after the run finished does not call onCancel', async () => {
    const { ui, onCancel, dispatchAll } = mountView();
    dispatchAll([...midRunEvents(), runFinished()]);
    await settle();

    ui.stdin.write('q');
    await pressKey(ui, ARROW_DOWN, () =>
      expect(ui.lastFrame()).toMatch(/› ✓ +init-teacher/),
    );

    expect(onCancel).not.toHaveBeenCalled();
    expect(ui.lastFrame()).not.toContain('■');
  });
});

describe('footer', () => {
  it('hides debug log lines of the selected node', async () => {
    const { ui, dispatchAll, lineWith } = mountView();
    dispatchAll([
      ...midRunEvents(),
      {
        kind: 'log',
        time: at(90_000),
        nodeId: 'refine-teacher',
        level: 'debug',
        message: 'batch 121 took 12 ms',
      },
    ]);
    await settle();

    expect(lineWith('warn:')).toBe('  warn: learning rate reduced to 0.0005');
    expect(ui.lastFrame()).not.toContain('batch 121');
  });

  it('shows the key help while the run is live', async () => {
    const { dispatchAll, lineWith } = mountView();
    dispatchAll(midRunEvents());
    await settle();

    expect(lineWith('select node')).toBe('↑/↓ select node · q or Ctrl-C stop');
  });
});

describe('stopping banner', () => {
  it('shows the runner message without repeating what is kept', async () => {
    const { ui, dispatchAll, lineWith } = mountView();
    dispatchAll([
      ...midRunEvents(),
      {
        kind: 'run-stopping',
        time: at(90_000),
        reason: 'signal',
        message:
          'Stopping: cancelling 1 running node(s). Published artifacts ' +
          'are kept.',
      },
    ]);
    await settle();

    expect(lineWith('■')).toBe(
      '■ Stopping: the process received a stop signal.',
    );
    expect(lineWith('cancelling')).toBe(
      '  cancelling 1 running node(s). Published artifacts are kept.',
    );
    expect(ui.lastFrame()).not.toContain('Kept:');
  });

  it('wraps a long runner message at word boundaries', async () => {
    const { dispatchAll, frameLines } = mountView({ columns: 40 });
    dispatchAll([
      ...midRunEvents(),
      {
        kind: 'run-stopping',
        time: at(90_000),
        reason: 'signal',
        message:
          'Stopping: cancelling 1 running node(s) and starting no others. ' +
          'Checkpoints are kept.',
      },
    ]);
    await settle();

    const lines = frameLines();
    const title = lines.findIndex((line) => line.startsWith('■'));
    expect(lines.slice(title, title + 4)).toEqual([
      '■ Stopping: the process received a stop…',
      '  cancelling 1 running node(s) and',
      '  starting no others. Checkpoints are',
      '  kept.',
    ]);
  });

  it('adds what is kept when the runner message omits it', async () => {
    const { dispatchAll, lineWith } = mountView();
    dispatchAll([
      ...midRunEvents(),
      {
        kind: 'run-stopping',
        time: at(90_000),
        reason: 'failure',
        message: 'Node `export-items` failed.',
      },
    ]);
    await settle();

    expect(lineWith('■')).toBe('■ Stopping: a node failed.');
    expect(lineWith('Node `export-items`')).toBe(
      '  Node `export-items` failed.',
    );
    expect(lineWith('Kept:')).toContain(
      'Kept: published artifacts and the checkpoints of interrupted nodes.',
    );
  });
});

describe('summary', () => {
  it('lists outcomes, the wall time and the metrics table', async () => {
    const { ui, dispatchAll, frameLines, lineWith } = mountView();
    dispatchAll([...midRunEvents(), runFinished()]);
    await settle();

    const lines = frameLines();
    expect(lineWith('Run failed')).toBe('Run failed in 3m 20s');
    expect(lineWith('ran 2')).toBe(
      'ran 2 · cached 1 · failed 1 · cancelled 1 · skipped 2',
    );
    expect(lineWith('ran:')).toBe(
      'ran:       pretrain-student, init-teacher-from-student',
    );
    expect(lineWith('cached:')).toBe('cached:    load-data');
    expect(lineWith('cancelled:')).toBe('cancelled: refine-teacher');
    expect(lineWith('skipped:')).toBe('skipped:   distill-back, evaluate');
    expect(lineWith('failed:')).toContain(
      'failed:    export-items (NODE_CRASHED: Command `python export.py`',
    );

    const header = lines.findIndex((line) => line.startsWith('model'));
    expect(lines.slice(header, header + 3)).toEqual([
      'model                HR@10  NDCG@10    HR@20  NDCG@20      MRR',
      'most-popular        0.0402   0.0199   0.0721   0.0279   0.0187',
      'student-distilled   0.0951   0.0467   0.1513   0.0608   0.0421',
    ]);
    expect(ui.lastFrame()).not.toContain('q or Ctrl-C stop');
    expect(ui.lastFrame()).not.toContain('epoch 3/10');
  });

  it('reports a user stop as stopped once the run ends', async () => {
    const { ui, dispatchAll, lineWith } = mountView();
    dispatchAll(midRunEvents());
    await settle();
    await pressKey(ui, 'q', () =>
      expect(ui.lastFrame()).toContain('■ Stopping'),
    );

    const finished = runFinished();
    dispatchAll([{ ...finished, status: 'cancelled' } as RunEvent]);
    await settle();

    expect(lineWith('■')).toBe('■ Stopped: stop requested with q or Ctrl-C.');
    expect(lineWith('Kept:')).toBe(
      '  Kept: published artifacts and the checkpoints of interrupted nodes.',
    );
    expect(lineWith('Run the same')).toBe(
      '  Run the same command again to resume.',
    );
    expect(lineWith('Run cancelled')).toBe('Run cancelled in 3m 20s');
    expect(ui.lastFrame()).not.toContain('Waiting for running');
  });
});

/** The fixture nodes renamed as one variant of a sweep with a long name. */
function sweepNodes(): PlannedNodeInfo[] {
  const variant = 'teacher-layers=8,temperature=2.5,kl-weight=0.75,seed=12345';
  return FIXTURE_NODES.map((node) => ({
    ...node,
    id: `${node.name}@${variant}`,
    variant,
    dependsOn: node.dependsOn.map((id) => `${id}@${variant}`),
  }));
}

/** Renames the node ids of fixture events to the sweep's ids. */
function toSweepEvents(events: RunEvent[]): RunEvent[] {
  const nodes = sweepNodes();
  const idOf = new Map(FIXTURE_NODES.map((node, i) => [node.id, nodes[i].id]));
  return events.map((event) => {
    if (event.kind === 'run-started') {
      return { ...event, nodes };
    }

    if ('nodeId' in event && event.nodeId !== undefined) {
      return { ...event, nodeId: idOf.get(event.nodeId) ?? event.nodeId };
    }

    if (event.kind === 'run-finished') {
      return {
        ...event,
        metrics: { [idOf.get('evaluate') ?? '']: event.metrics.evaluate },
      };
    }

    return event;
  });
}

describe('width', () => {
  it('keeps every line of every frame within 80 columns', async () => {
    const { ui, dispatchAll } = mountView({ columns: 80 });
    dispatchAll(toSweepEvents(midRunEvents()));
    await settle();
    await pressKey(ui, ARROW_UP, () =>
      expect(ui.lastFrame()).toMatch(/› ✓ +init-teacher/),
    );
    await pressKey(ui, 'q', () =>
      expect(ui.lastFrame()).toContain('■ Stopping'),
    );
    dispatchAll(toSweepEvents([runFinished()]));
    await settle();

    expect(ui.frames.length).toBeGreaterThan(3);
    for (const frame of ui.frames) {
      for (const line of frame.split('\n')) {
        // Every character the view draws is one cell wide.
        expect([...line].length).toBeLessThanOrEqual(80);
      }
    }
  });

  it('cuts long node names with an ellipsis', async () => {
    const { dispatchAll, lineWith } = mountView({ columns: 80 });
    dispatchAll(toSweepEvents(midRunEvents()));
    await settle();

    const row = lineWith('refine-teacher@');
    expect(row).toMatch(/refine-teacher@teacher-layers=8,te.*… +running/);
    expect(row).toMatch(/9abcdef0$/);
  });

  it.each([
    [80, /^› ▶ {7}refine-teacher +running +1m 20s +9abcdef0$/],
    [50, /^› ▶ {4}refine-teacher +running +1m 20s$/],
    [40, /^› ▶ {4}refine-teacher +1m 20s$/],
  ])('leaves out row columns at %i columns', async (columns, row) => {
    const { dispatchAll, lineWith } = mountView({ columns });
    dispatchAll(midRunEvents());
    await settle();

    expect(lineWith('› ▶')).toMatch(row);
  });

  it('shrinks progress bars with the width', async () => {
    const barCells = async (columns: number): Promise<number> => {
      const { dispatchAll, lineWith } = mountView({ columns });
      dispatchAll(midRunEvents());
      await settle();
      return [...lineWith('step 120/400')].filter((char) => '█░'.includes(char))
        .length;
    };

    expect(await barCells(100)).toBe(40);
    expect(await barCells(50)).toBe(50 - 'step 120/400'.length - 8);
  });

  it('scrolls a long node list to fit the rows of the terminal', async () => {
    const { ui, dispatchAll } = mountView();
    Object.defineProperty(ui.stdout, 'rows', { value: 24 });
    ui.stdout.emit('resize');
    const many = Array.from({ length: 30 }, (_, i) => ({
      ...FIXTURE_NODES[0],
      id: `node-${i}`,
      name: `node-${i}`,
      key: fakeKey(`k${i}`),
    }));
    dispatchAll([
      runStarted(many),
      { kind: 'node-started', time: at(1), nodeId: 'node-20', key: '' },
    ]);
    await settle();

    const frame = ui.lastFrame() ?? '';
    expect(frame.split('\n').length).toBeLessThan(24);
    expect(frame).toContain('› ▶ node-20');
    expect(frame).toMatch(/↑ \d+ more/);
    expect(frame).toMatch(/↓ \d+ more/);

    dispatchAll([
      {
        kind: 'run-stopping',
        time: at(2),
        reason: 'signal',
        message:
          'Stopping: cancelling 1 running node(s) and starting no others. ' +
          'Published artifacts and the checkpoints under work/ are kept; ' +
          'unfinished outputs are discarded.',
      },
    ]);
    await settle();
    const stopping = ui.lastFrame() ?? '';
    expect(stopping).toContain('■ Stopping');
    expect(stopping.split('\n').length).toBeLessThan(24);
    expect(stopping).toContain('› ▶ node-20');

    dispatchAll([runFinished()]);
    await settle();
    const final = ui.lastFrame() ?? '';
    expect(final).toContain('node-0 ');
    expect(final).toContain('node-29 ');
    expect(final).not.toMatch(/\d+ more/);
  });
});

/**
 * Sends `count` progress steps 2 ms apart, yielding between events as
 * events from a child process do.
 */
async function sendProgressEvents(
  store: RunStore,
  timers: ManualTimers,
  count: number,
): Promise<void> {
  for (let step = 1; step <= count; step += 1) {
    timers.advance(2);
    store.dispatch(
      progress('refine-teacher', step * 2, { step, steps: count }),
    );
    await Promise.resolve();
  }
}

describe('redraw throttle', () => {
  it('draws a bounded number of frames for many progress events', async () => {
    const timers = new ManualTimers();
    const { ui, view, lineWith } = mountView({
      timers,
      renderIntervalMs: 100,
    });
    view.store.dispatch(runStarted());
    view.store.dispatch({
      kind: 'node-started',
      time: at(0),
      nodeId: 'refine-teacher',
      key: fakeKey('9abcdef0'),
    });
    timers.advance(100);
    await settle();
    const framesBefore = ui.frames.length;

    // 1000 steps take 2 s of the manual clock: 20 intervals of 100 ms.
    await sendProgressEvents(view.store, timers, 1000);
    timers.advance(100);
    await settle();

    const drawn = ui.frames.length - framesBefore;
    expect(drawn).toBeGreaterThanOrEqual(15);
    expect(drawn).toBeLessThanOrEqual(25);
    expect(lineWith('step 1000/1000')).toContain('100%');
  });

  it('draws every event without an interval', async () => {
    const timers = new ManualTimers();
    const { ui, view } = mountView({ timers, renderIntervalMs: 0 });
    view.store.dispatch(runStarted());
    await settle();
    const framesBefore = ui.frames.length;

    await sendProgressEvents(view.store, timers, 100);
    await settle();

    expect(ui.frames.length - framesBefore).toBeGreaterThanOrEqual(100);
  });
});
