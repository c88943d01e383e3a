/**
 * The plain logger: one line per meaningful event, readable in CI logs
 * and terminals without cursor control. Training progress is throttled to
 * one line per epoch, or one every `PROGRESS_INTERVAL_MS` within an epoch.
 */
import { watchForClosedOutput } from './closed-output.js';
import type { EventOf, Logger, ProgressFields, RunEvent } from './events.js';
import {
  colorAllowed,
  createPalette,
  formatDuration,
  formatNumber,
  type Palette,
} from './format.js';

/** Minimum time between two progress lines of one node within an epoch. */
export const PROGRESS_INTERVAL_MS = 5_000;

/** Lines of an error's detail printed under a failed node. */
const ERROR_DETAIL_LINES = 12;

/** Options of `createPlainLogger`. */
export interface PlainLoggerOptions {
  /** Destination of the lines. Default `process.stdout`. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /**
   * Whether to colour status words. Default: when the stream is a terminal
   * and NO_COLOR is unset or empty.
   */
  color?: boolean;
  /** Print `debug` log events too. Default `false`. */
  verbose?: boolean;
  /** Clock for the progress throttle, in epoch milliseconds. */
  now?: () => number;
  /** Called when the reader closes the stream (`watchForClosedOutput`). */
  onClosed?: () => void;
}

interface ProgressMark {
  atMs: number;
  epoch?: number;
  phase?: string;
}

/** Creates a logger that writes plain text lines. */
export function createPlainLogger(options: PlainLoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stdout;
  const output = watchForClosedOutput(stream, options);
  const palette = createPalette(options.color ?? colorAllowed(stream));
  const formatter = new PlainFormatter(palette, options);
  return {
    handle(event) {
      if (!output.writable()) return;
      for (const line of formatter.format(event)) stream.write(`${line}\n`);
    },
    close: () => Promise.resolve(),
  };
}

/** Turns events into lines; keeps the progress throttle's state. */
export class PlainFormatter {
  private readonly progress = new Map<string, ProgressMark>();
  private readonly now: () => number;

  constructor(
    private readonly palette: Palette,
    private readonly options: Pick<PlainLoggerOptions, 'verbose' | 'now'> = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Returns the lines for one event; often none. */
  format(event: RunEvent): string[] {
    const { red, green, yellow, dim, bold } = this.palette;
    switch (event.kind) {
      case 'run-started':
        return [formatRunStarted(event, bold)];
      case 'node-queued':
        return [];
      case 'node-cached':
        return [
          `${dim('cached')}   ${event.nodeId} ${dim(event.key.slice(0, 12))}`,
        ];
      case 'node-started':
        return [formatNodeStarted(event)];
      case 'progress':
        return this.formatProgress(event);
      case 'log':
        return this.formatLog(event, yellow, red);
      case 'metric':
        return [formatMetric(event, dim)];
      case 'node-finished':
        return [formatNodeFinished(event, green)];
      case 'node-failed':
        return formatNodeFailed(event, red, dim);
      case 'run-stopping':
        return [`${yellow('stopping')} ${event.message}`];
      case 'run-finished':
        return [formatRunFinished(event, green, red, yellow)];
    }
  }

  private formatProgress(event: EventOf<'progress'>): string[] {
    const last = this.progress.get(event.nodeId);
    const nowMs = this.now();
    const newEpoch = event.epoch !== undefined && event.epoch !== last?.epoch;
    const newPhase = event.phase !== undefined && event.phase !== last?.phase;
    const due = !last || nowMs - last.atMs >= PROGRESS_INTERVAL_MS;
    if (!newEpoch && !newPhase && !due) return [];

    this.progress.set(event.nodeId, {
      atMs: nowMs,
      epoch: event.epoch ?? last?.epoch,
      phase: event.phase ?? last?.phase,
    });
    return [`progress ${event.nodeId} ${describeProgress(event)}`];
  }

  private formatLog(
    event: EventOf<'log'>,
    yellow: Palette['yellow'],
    red: Palette['red'],
  ): string[] {
    if (event.level === 'debug' && !this.options.verbose) return [];

    const level =
      event.level === 'warn'
        ? yellow('warn ')
        : event.level === 'error'
          ? red('error ')
          : '';
    const prefix = event.nodeId ? `[${event.nodeId}] ` : '';
    return event.message.split('\n').map((line) => `${prefix}${level}${line}`);
  }
}

function formatRunStarted(
  event: EventOf<'run-started'>,
  bold: Palette['bold'],
): string {
  const cached = event.nodes.filter((node) => node.cached).length;
  const variantCount = event.variants.length;
  const variants =
    variantCount > 0
      ? `, ${variantCount} variant${variantCount === 1 ? '' : 's'}`
      : '';
  const nodeCount = event.nodes.length;
  const nodes = `${nodeCount} node${nodeCount === 1 ? '' : 's'}`;
  return (
    `${bold('run')} ${event.runId}: ${event.pipeline} ` +
    `(${nodes}, ${cached} cached${variants}, ` +
    `jobs ${event.jobs}, store ${event.store})`
  );
}

function formatNodeStarted(event: EventOf<'node-started'>): string {
  const pid = event.pid !== undefined ? ` (pid ${event.pid})` : '';
  const resumed =
    event.resumedFromEpoch !== undefined
      ? `, resuming from epoch ${event.resumedFromEpoch}`
      : '';
  return `started  ${event.nodeId}${pid}${resumed}`;
}

/** Describes progress fields as `epoch 2/10 step 30/100 loss 0.4321`. */
export function describeProgress(fields: ProgressFields): string {
  const parts: string[] = [];
  if (fields.phase) parts.push(fields.phase);
  if (fields.epoch !== undefined)
    parts.push(`epoch ${fields.epoch}${outOf(fields.epochs)}`);
  if (fields.step !== undefined)
    parts.push(`step ${fields.step}${outOf(fields.steps)}`);
  if (fields.loss !== undefined)
    parts.push(`loss ${formatNumber(fields.loss)}`);
  if (fields.validNdcg10 !== undefined) {
    parts.push(`valid ndcg@10 ${formatNumber(fields.validNdcg10)}`);
  }

  if (fields.sequencesPerS !== undefined) {
    parts.push(`${Math.round(fields.sequencesPerS)} seq/s`);
  }

  return parts.join(' ');
}

function outOf(total: number | undefined): string {
  return total === undefined ? '' : `/${total}`;
}

function formatMetric(event: EventOf<'metric'>, dim: Palette['dim']): string {
  const epoch = event.epoch !== undefined ? dim(` (epoch ${event.epoch})`) : '';
  const value = formatNumber(event.value);
  return `metric   ${event.nodeId} ${event.name} ${value}${epoch}`;
}

function formatNodeFinished(
  event: EventOf<'node-finished'>,
  green: Palette['green'],
): string {
  const metrics = Object.entries(event.metrics)
    .slice(0, 6)
    .map(([name, value]) => `${name} ${formatNumber(value)}`);
  const more = Object.keys(event.metrics).length > 6 ? ' …' : '';
  const backend = event.backend ? ` [${event.backend}]` : '';
  const tail = metrics.length > 0 ? `: ${metrics.join(', ')}${more}` : '';
  const duration = formatDuration(event.durationMs);
  return `${green('done')}     ${event.nodeId} in ${duration}${backend}${tail}`;
}

function formatNodeFailed(
  event: EventOf<'node-failed'>,
  red: Palette['red'],
  dim: Palette['dim'],
): string[] {
  const duration = formatDuration(event.durationMs);
  const label =
    event.error.code === 'NODE_CANCELLED' ? 'cancelled' : `${red('failed')}  `;
  const head =
    `${label} ${event.nodeId} after ${duration}: ` +
    `${event.error.message} [${event.error.code}]`;
  const detail = (event.error.detail ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return [
    head,
    ...detail.slice(-ERROR_DETAIL_LINES).map((line) => dim(`    ${line}`)),
  ];
}

function formatRunFinished(
  event: EventOf<'run-finished'>,
  green: Palette['green'],
  red: Palette['red'],
  yellow: Palette['yellow'],
): string {
  const colours = { succeeded: green, failed: red, cancelled: yellow };
  const status = colours[event.status](event.status);
  const duration = formatDuration(event.durationMs);
  const counts = Object.entries(event.counts)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`);
  const tail = counts.length > 0 ? `: ${counts.join(', ')}` : '';
  return `run ${event.runId} ${status} in ${duration}${tail}`;
}
