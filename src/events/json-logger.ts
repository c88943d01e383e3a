/**
 * The JSON logger: every event as one JSON object per line, and nothing
 * else, so `distillery run --ui json | jq` always parses. docs/events.md
 * and docs/events.schema.json describe the objects.
 */
import { watchForClosedOutput } from './closed-output.js';
import type { Logger } from './events.js';

/** Options of `createJsonLogger`. */
export interface JsonLoggerOptions {
  /** Destination of the lines. Default `process.stdout`. */
  stream?: NodeJS.WritableStream;
  /** Called when the reader closes the stream (`watchForClosedOutput`). */
  onClosed?: () => void;
}

/** Creates a logger that writes newline-delimited JSON events. */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stdout;
  const output = watchForClosedOutput(stream, options);
  let drained: Promise<void> = Promise.resolve();
  return {
    handle(event) {
      if (!output.writable()) return;
      if (!stream.write(`${JSON.stringify(event)}\n`)) {
        drained = new Promise((resolve) =>
          stream.once('drain', () => resolve()),
        );
      }
    },
    // A closed stream never drains.
    close: () => Promise.race([drained, output.closed]),
  };
}
