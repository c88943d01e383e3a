/**
 * The JSON logger: every event as one JSON object per line, and nothing
 * else, so `distillery run --ui json | jq` always parses. docs/events.md
 * and docs/events.schema.json describe the objects.
 */
import type { Logger } from './events.js';

/** Options of `createJsonLogger`. */
export interface JsonLoggerOptions {
  /** Destination of the lines. Default `process.stdout`. */
  stream?: NodeJS.WritableStream;
}

/** Creates a logger that writes newline-delimited JSON events. */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stdout;
  let drained: Promise<void> = Promise.resolve();
  return {
    handle(event) {
      if (!stream.write(`${JSON.stringify(event)}\n`)) {
        drained = new Promise((resolve) =>
          stream.once('drain', () => resolve()),
        );
      }
    },
    close: () => drained,
  };
}
