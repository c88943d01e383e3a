/**
 * Per-node training progress for the UI: the latest reported fields, the
 * history of validation NDCG@10 by epoch (for the trend line), and the
 * throughput and ETA measured from the times of the progress events.
 */
import type { EventOf, ProgressFields } from '../events/events.js';

/** Metric names that carry the validation NDCG@10 of an epoch. */
export const VALIDATION_NDCG_METRIC_NAMES: ReadonlySet<string> = new Set([
  'valid.ndcg@10',
  'validation.ndcg@10',
  'validNdcg10',
]);

/** Validation NDCG@10 after one epoch. */
export interface ValidationPoint {
  /** Epoch of the value; absent when the event carried no epoch. */
  epoch?: number;
  value: number;
}

/** Start point of the throughput measurement: the first progress event. */
interface ThroughputAnchor {
  timeMs: number;
  /** Work units done at that time (steps, or epochs without steps). */
  unitsDone: number;
}

/** Progress of one running node. */
export interface NodeProgressState extends ProgressFields {
  /** Validation NDCG@10 per epoch, in the order reported. */
  validHistory: ValidationPoint[];
  /** Work units (steps across all epochs) completed per second. */
  unitsPerS?: number;
  /**
   * Estimated time left in milliseconds, from the measured throughput.
   *
   * Note: early stopping may end training sooner, so this is an upper
   * estimate; validation time between epochs is part of the measured rate.
   */
  etaMs?: number;
  /** Time of the latest progress event, epoch milliseconds. */
  updatedAtMs: number;
  anchor?: ThroughputAnchor;
}

const PROGRESS_FIELD_NAMES = [
  'epoch',
  'epochs',
  'step',
  'steps',
  'loss',
  'sequencesPerS',
  'validNdcg10',
] as const satisfies readonly (keyof ProgressFields)[];

/** Merges one progress event into a node's progress. */
export function applyProgressEvent(
  previous: NodeProgressState | undefined,
  event: EventOf<'progress'>,
): NodeProgressState {
  const timeMs = Date.parse(event.time);
  // The phase belongs to one event: training steps carry none after a
  // `validating` event, and the view should stop showing that phase.
  const merged: NodeProgressState = {
    ...(previous ?? { validHistory: [] }),
    phase: event.phase,
    updatedAtMs: timeMs,
  };
  // Other fields the event leaves out keep their last value, so a
  // phase-only event does not blank the epoch counters.
  for (const name of PROGRESS_FIELD_NAMES) {
    if (event[name] !== undefined) {
      Object.assign(merged, { [name]: event[name] });
    }
  }

  // The progress field is the latest validation value, repeated on every
  // event until the next validation, so only a changed value is a new
  // point of the history.
  if (
    event.validNdcg10 !== undefined &&
    event.validNdcg10 !== previous?.validNdcg10
  ) {
    merged.validHistory = upsertPoint(merged.validHistory, {
      epoch: event.epoch ?? previous?.epoch,
      value: event.validNdcg10,
    });
  }

  return measureThroughput(merged, timeMs);
}

/**
 * Records a validation NDCG@10 sent as a `metric` event. Other metrics
 * return `previous` unchanged.
 */
export function applyValidationMetric(
  previous: NodeProgressState | undefined,
  event: EventOf<'metric'>,
): NodeProgressState | undefined {
  if (!VALIDATION_NDCG_METRIC_NAMES.has(event.name)) {
    return previous;
  }

  const base = previous ?? {
    validHistory: [],
    updatedAtMs: Date.parse(event.time),
  };

  return {
    ...base,
    validNdcg10: event.value,
    validHistory: upsertPoint(base.validHistory, {
      epoch: event.epoch,
      value: event.value,
    }),
  };
}

/** Replaces the point of the same epoch, or appends a new one. */
function upsertPoint(
  history: ValidationPoint[],
  point: ValidationPoint,
): ValidationPoint[] {
  if (point.epoch !== undefined) {
    const index = history.findIndex((p) => p.epoch === point.epoch);
    if (index >= 0) {
      return history.map((p, i) => (i === index ? point : p));
    }
  }

  return [...history, point];
}

/** Work done and total, in steps across epochs where steps are known. */
export function countWorkUnits(
  progress: ProgressFields,
): { done: number; total: number } | undefined {
  const { epoch, epochs, step, steps } = progress;
  if (epoch !== undefined && epochs !== undefined && epochs > 0) {
    if (step !== undefined && steps !== undefined && steps > 0) {
      return { done: (epoch - 1) * steps + step, total: epochs * steps };
    }

    return { done: epoch - 1, total: epochs };
  }

  if (step !== undefined && steps !== undefined && steps > 0) {
    return { done: step, total: steps };
  }

  return undefined;
}

function measureThroughput(
  progress: NodeProgressState,
  timeMs: number,
): NodeProgressState {
  const units = countWorkUnits(progress);
  if (units === undefined) {
    return progress;
  }

  const anchor = progress.anchor;
  // Work going backwards means the node restarted (a resume from an
  // earlier checkpoint), so the rate is measured afresh from here.
  if (anchor === undefined || units.done < anchor.unitsDone) {
    return {
      ...progress,
      anchor: { timeMs, unitsDone: units.done },
      unitsPerS: undefined,
      etaMs: undefined,
    };
  }

  const elapsedMs = timeMs - anchor.timeMs;
  const unitsSinceAnchor = units.done - anchor.unitsDone;
  if (elapsedMs <= 0 || unitsSinceAnchor <= 0) {
    return progress;
  }

  const unitsPerMs = unitsSinceAnchor / elapsedMs;
  const unitsLeft = Math.max(0, units.total - units.done);

  return {
    ...progress,
    unitsPerS: unitsPerMs * 1000,
    etaMs: unitsLeft / unitsPerMs,
  };
}
