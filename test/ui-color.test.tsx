import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRunView, type RunViewOptions } from '../src/ui/run-view.js';
import { STATUS_MARKS } from '../src/ui/theme.js';
import { RUN_START_MS, midRunEvents, runFinished } from './ui-fixtures.js';

// Ink's colour library decides its level when first imported; forcing
// colour makes the colour-off checks meaningful without a terminal.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

const ESCAPE = '\u001B';

const mounted: { unmount(): void }[] = [];

afterEach(() => {
  vi.unstubAllEnvs();
  for (const ui of mounted.splice(0)) {
    ui.unmount();
  }
});

/** Renders the mid-run fixture, a stop and the end; returns all frames. */
async function renderAllFrames(
  options: Partial<RunViewOptions>,
): Promise<string[]> {
  const view = createRunView({
    onCancel: () => undefined,
    now: () => RUN_START_MS + 95_000,
    renderIntervalMs: 0,
    ...options,
  });
  const ui = render(view.element);
  mounted.push(ui);

  for (const event of midRunEvents()) {
    view.store.dispatch(event);
  }
  view.store.flush();
  await new Promise((resolve) => setTimeout(resolve, 20));
  ui.stdin.write('q');
  await new Promise((resolve) => setTimeout(resolve, 20));
  view.store.dispatch(runFinished());
  await new Promise((resolve) => setTimeout(resolve, 20));

  return ui.frames;
}

describe('colour', () => {
  it('colours the view when colour is on', async () => {
    const frames = await renderAllFrames({ color: true });

    expect(frames.some((frame) => frame.includes(`${ESCAPE}[`))).toBe(true);
  });

  it('writes no escape sequences when colour is off', async () => {
    const frames = await renderAllFrames({ color: false });

    expect(frames.length).toBeGreaterThan(2);
    for (const frame of frames) {
      expect(frame).not.toContain(ESCAPE);
    }
  });

  it('turns colour off when NO_COLOR is set', async () => {
    vi.stubEnv('NO_COLOR', '1');
    const frames = await renderAllFrames({});

    for (const frame of frames) {
      expect(frame).not.toContain(ESCAPE);
    }
  });

  it('keeps every status mark a distinct character', () => {
    const marks = Object.values(STATUS_MARKS);

    expect(new Set(marks).size).toBe(marks.length);
    for (const mark of marks) {
      expect([...mark]).toHaveLength(1);
    }
  });

  it('shows the marks as text without colour', async () => {
    const frames = await renderAllFrames({ color: false });
    const running = frames.find((frame) => frame.includes('› ▶')) ?? '';

    expect(running).toMatch(/≡ load-data/);
    expect(running).toMatch(/✓ +pretrain-student/);
    expect(running).toMatch(/✗ +export-items/);
    expect(running).toMatch(/· +distill-back/);
  });
});
