/**
 * The log lines the UI keeps per node: log events split at line breaks,
 * and metric events written as lines, capped at the newest ones.
 */
import type { EventOf } from '../events/events.js';

/** Number of log lines kept per node; the footer shows the newest ones. */
export const LOG_LINES_KEPT = 20;

/** One log line of a node or of the run. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  timeMs: number;
  /** Epoch of a line built from `metric` events, which share one line. */
  metricEpoch?: number;
}

/**
 * Splits a log event into one line per line of its message, so the footer
 * can show the newest lines of a multi-line message (a stack trace).
 */
export function splitLogEvent(event: EventOf<'log'>): LogLine[] {
  const timeMs = Date.parse(event.time);
  return event.message
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((message) => ({ level: event.level, message, timeMs }));
}

/**
 * Appends a metric as a log line: `epoch 3: train.loss 5.1234`. Metrics of
 * the same epoch that arrive one after another join the same line.
 */
export function appendMetricLine(
  logs: LogLine[],
  event: EventOf<'metric'>,
): LogLine[] {
  const item = `${event.name} ${formatMetricValue(event.value)}`;
  const last = logs.at(-1);
  if (event.epoch !== undefined && last?.metricEpoch === event.epoch) {
    return [
      ...logs.slice(0, -1),
      { ...last, message: `${last.message} · ${item}` },
    ];
  }

  return [
    ...logs,
    {
      level: 'info',
      message:
        event.epoch === undefined ? item : `epoch ${event.epoch}: ${item}`,
      timeMs: Date.parse(event.time),
      metricEpoch: event.epoch,
    },
  ];
}

/** Formats a metric with four decimals; counts (integers) stay whole. */
function formatMetricValue(value: number): string {
  return Number.isInteger(value) && value !== 0
    ? String(value)
    : value.toFixed(4);
}

/** Drops all but the newest `LOG_LINES_KEPT` lines. */
export function keepNewest(lines: LogLine[]): LogLine[] {
  return lines.length > LOG_LINES_KEPT ? lines.slice(-LOG_LINES_KEPT) : lines;
}
