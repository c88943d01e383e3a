import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/events/events.js';
import { createJsonLogger } from '../src/events/json-logger.js';
import {
  createPlainLogger,
  PROGRESS_INTERVAL_MS,
} from '../src/events/plain-logger.js';

const TIME = '2026-12-04T17:30:12.000Z';

function capture(isTTY = false) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

function progress(epoch: number, step: number): RunEvent {
  return {
    kind: 'progress',
    time: TIME,
    nodeId: 'train',
    epoch,
    epochs: 3,
    step,
    steps: 100,
    loss: 0.5,
  };
}

const originalNoColor = process.env.NO_COLOR;

afterEach(() => {
  if (originalNoColor === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = originalNoColor;
});

describe('plain logger', () => {
  it('counts one node and one variant in the singular', () => {
    process.env.NO_COLOR = '1';
    const output = capture();
    const logger = createPlainLogger({ stream: output.stream });
    logger.handle({
      kind: 'run-started',
      time: TIME,
      runId: 'r1',
      pipeline: 'demo',
      pipelineFile: '/tmp/demo.yaml',
      variants: ['a'],
      nodes: [
        {
          id: 'data@a',
          name: 'data',
          variant: 'a',
          type: 'fake-source',
          key: 'k',
          depth: 0,
          dependsOn: [],
          cached: false,
        },
      ],
      store: '/tmp/store',
      jobs: 1,
    });
    expect(output.text()).toContain('(1 node, 0 cached, 1 variant, jobs 1');
  });

  it('prints progress once per epoch or every interval', () => {
    let nowMs = 0;
    const output = capture();
    const logger = createPlainLogger({
      stream: output.stream,
      now: () => nowMs,
    });
    logger.handle(progress(1, 1));
    logger.handle(progress(1, 2));
    nowMs = PROGRESS_INTERVAL_MS - 1;
    logger.handle(progress(1, 3));
    nowMs = PROGRESS_INTERVAL_MS;
    logger.handle(progress(1, 4));
    logger.handle(progress(2, 1));
    expect(output.text()).toBe(
      [
        'progress train epoch 1/3 step 1/100 loss 0.5000',
        'progress train epoch 1/3 step 4/100 loss 0.5000',
        'progress train epoch 2/3 step 1/100 loss 0.5000',
        '',
      ].join('\n'),
    );
  });

  it('prints a failed node with the tail of its detail', () => {
    const output = capture();
    const logger = createPlainLogger({ stream: output.stream });
    logger.handle({
      kind: 'node-failed',
      time: TIME,
      nodeId: 'train',
      key: 'a'.repeat(64),
      durationMs: 1500,
      error: {
        code: 'NODE_CRASHED',
        message: "The node's process exited with code 137.",
        detail: 'line one\n\nline two',
      },
    });
    expect(output.text()).toBe(
      [
        "failed   train after 1.5s: The node's process exited with code " +
          '137. [NODE_CRASHED]',
        '    line one',
        '    line two',
        '',
      ].join('\n'),
    );
  });

  it('colours a terminal unless NO_COLOR is set', () => {
    const event: RunEvent = {
      kind: 'run-stopping',
      time: TIME,
      reason: 'user',
      message: 'bye',
    };
    delete process.env.NO_COLOR;
    const coloured = capture(true);
    createPlainLogger({ stream: coloured.stream }).handle(event);
    expect(coloured.text()).toBe('\u001b[33mstopping\u001b[39m bye\n');

    process.env.NO_COLOR = '1';
    const plain = capture(true);
    createPlainLogger({ stream: plain.stream }).handle(event);
    expect(plain.text()).toBe('stopping bye\n');

    delete process.env.NO_COLOR;
    const piped = capture(false);
    createPlainLogger({ stream: piped.stream }).handle(event);
    expect(piped.text()).toBe('stopping bye\n');
  });

  it('hides debug logs unless verbose', () => {
    const event: RunEvent = {
      kind: 'log',
      time: TIME,
      nodeId: 'data',
      level: 'debug',
      message: 'detail',
    };
    const quiet = capture();
    createPlainLogger({ stream: quiet.stream }).handle(event);
    expect(quiet.text()).toBe('');

    const verbose = capture();
    createPlainLogger({ stream: verbose.stream, verbose: true }).handle(event);
    expect(verbose.text()).toBe('[data] detail\n');
  });
});

describe('json logger', () => {
  it('writes one event per line and nothing else', async () => {
    const output = capture();
    const logger = createJsonLogger({ stream: output.stream });
    const events: RunEvent[] = [progress(1, 1), progress(1, 2)];
    for (const event of events) logger.handle(event);
    await logger.close();
    const lines = output.text().split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line))).toEqual(events);
  });
});

describe('a reader that goes away', () => {
  // A stream that fails every write with EPIPE, as stdout does once the
  // reader of a pipe has exited.
  function brokenPipe(): Writable {
    return new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
  }

  const event: RunEvent = { kind: 'log', time: TIME, level: 'info', message: 'hello' };

  it.each([
    ['json', (stream: Writable, onClosed: () => void) => createJsonLogger({ stream, onClosed })],
    ['plain', (stream: Writable, onClosed: () => void) => createPlainLogger({ stream, onClosed })],
  ])('stops the %s logger once, without an unhandled error', async (_, create) => {
    const stream = brokenPipe();
    let stops = 0;
    const logger = create(stream, () => (stops += 1));
    const writes: unknown[] = [];
    const write = stream.write.bind(stream);
    stream.write = ((...args: Parameters<typeof write>) => {
      writes.push(args[0]);
      return write(...args);
    }) as typeof stream.write;

    logger.handle(event);
    await new Promise((resolve) => setImmediate(resolve));
    logger.handle(event);
    logger.handle(event);
    await logger.close();

    expect(stops).toBe(1);
    expect(writes).toHaveLength(1);
  });
});
