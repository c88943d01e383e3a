import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createInkLogger } from '../src/ui/index.js';
import { RUN_START_MS, midRunEvents, runFinished } from './ui-fixtures.js';

/** A terminal-like output stream that records what is written. */
class FakeTerminalOutput extends EventEmitter {
  isTTY = true;
  columns: number;
  rows = 60;
  chunks: string[] = [];

  constructor(columns: number) {
    super();
    this.columns = columns;
  }

  write(chunk: string): boolean {
    this.chunks.push(String(chunk));
    return true;
  }

  /** Everything written, with cursor and colour sequences removed. */
  text(): string {
    // eslint-disable-next-line no-control-regex
    return this.chunks.join('').replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');
  }

  /** Returns the last frame: from the last header line to the end. */
  lastFrame(): string {
    const text = this.text();
    return text.slice(text.lastIndexOf('distillery · '));
  }
}

/** A keyboard stream in raw mode, fed by `press`. */
class FakeKeyboard extends EventEmitter {
  isTTY = true;
  isRaw = false;
  private pending: string[] = [];

  setRawMode(raw: boolean): this {
    this.isRaw = raw;
    return this;
  }

  setEncoding(): this {
    return this;
  }

  read(): string | null {
    return this.pending.shift() ?? null;
  }

  press(keys: string): void {
    this.pending.push(keys);
    this.emit('readable');
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  resume(): this {
    return this;
  }

  pause(): this {
    return this;
  }
}

function createLogger(columns: number) {
  const stdout = new FakeTerminalOutput(columns);
  const stdin = new FakeKeyboard();
  const onCancel = vi.fn();
  const logger = createInkLogger({
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    onCancel,
    color: false,
    now: () => RUN_START_MS + 95_000,
  });

  return { stdout, stdin, onCancel, logger };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 150));
}

describe('createInkLogger', () => {
  it('leaves the summary on the terminal after close', async () => {
    const { stdout, logger } = createLogger(100);
    for (const event of [...midRunEvents(), runFinished()]) {
      logger.handle(event);
    }

    const closing = logger.close();
    expect(logger.close()).toBe(closing);
    await closing;

    const frame = stdout.lastFrame();
    expect(frame).toContain('Run failed in 3m 20s');
    expect(frame).toContain(
      'student-distilled   0.0951   0.0467   0.1513   0.0608   0.0421',
    );
  });

  it('calls onCancel when q is pressed', async () => {
    const { stdout, stdin, onCancel, logger } = createLogger(100);
    for (const event of midRunEvents()) {
      logger.handle(event);
    }
    await vi.waitFor(() => expect(stdin.isRaw).toBe(true));

    stdin.press('q');
    await vi.waitFor(() => expect(onCancel).toHaveBeenCalled());
    await logger.close();

    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(stdout.lastFrame()).toContain(
      '■ Stopping: stop requested with q or Ctrl-C.',
    );
    expect(stdin.isRaw).toBe(false);
  });

  it('redraws at the new width after a resize', async () => {
    const { stdout, logger } = createLogger(100);
    for (const event of midRunEvents()) {
      logger.handle(event);
    }
    await settle();

    stdout.columns = 60;
    stdout.emit('resize');
    await settle();
    await logger.close();

    const lines = stdout.lastFrame().split('\n');
    const stepLine = lines.find((line) => line.includes('step 120/400'));
    expect(stepLine).toBeDefined();
    expect(stepLine?.length).toBeLessThanOrEqual(60);
    for (const line of lines) {
      expect([...line].length).toBeLessThanOrEqual(60);
    }
  });
});
