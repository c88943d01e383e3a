/**
 * Convergence speed of each training node per comparison row, read off
 * the validation NDCG@10 curves. It checks claims such as "the teacher
 * initialised from the student converges in fewer epochs".
 */
import type { LabelledCurve } from './report-charts.js';

/** Share of a curve's best validation NDCG@10 that counts as converged. */
export const CONVERGED_FRACTION = 0.95;

/** Convergence of one training node in one row, averaged over its curves. */
export interface ConvergenceRow {
  /** Node name, with its type in brackets where known. */
  node: string;
  /** Row label of the curves (setting, variant or model). */
  label: string;
  /** Number of curves averaged. */
  curves: number;
  /** Mean validation NDCG@10 after the first epoch. */
  firstValidNdcg10: number;
  /** Mean of each curve's best validation NDCG@10. */
  bestValidNdcg10: number;
  /** Mean epoch of each curve's best value (the first, on ties). */
  bestEpoch: number;
  /**
   * Mean of the first epoch at which each curve reached
   * `CONVERGED_FRACTION` of its own best value.
   */
  convergedEpoch: number;
}

/**
 * Summarises the curves that have validation NDCG@10: one row per node and
 * label, grouped by node, each in the order it first appears.
 */
export function convergenceRows(
  curves: readonly LabelledCurve[],
): ConvergenceRow[] {
  const groups = new Map<
    string,
    { node: string; label: string; stats: CurveStats[] }
  >();
  for (const { label, curve } of curves) {
    const stats = curveStats(curve.history);
    if (!stats) continue;
    const node = curve.type ? `${curve.node} (${curve.type})` : curve.node;
    const id = `${node}\u0000${label}`;
    const group = groups.get(id) ?? { node, label, stats: [] };
    group.stats.push(stats);
    groups.set(id, group);
  }

  const nodes = [...new Set([...groups.values()].map((g) => g.node))];
  const byNode = [...groups.values()].sort(
    (a, b) => nodes.indexOf(a.node) - nodes.indexOf(b.node),
  );
  return byNode.map(({ node, label, stats }) => ({
    node,
    label,
    curves: stats.length,
    firstValidNdcg10: average(stats.map((s) => s.first)),
    bestValidNdcg10: average(stats.map((s) => s.best)),
    bestEpoch: average(stats.map((s) => s.bestEpoch)),
    convergedEpoch: average(stats.map((s) => s.convergedEpoch)),
  }));
}

interface CurveStats {
  first: number;
  best: number;
  bestEpoch: number;
  convergedEpoch: number;
}

function curveStats(
  history: readonly { epoch: number; validNdcg10?: number }[],
): CurveStats | undefined {
  const points = history.filter(
    (p): p is { epoch: number; validNdcg10: number } =>
      p.validNdcg10 !== undefined,
  );
  if (points.length === 0) return undefined;

  let best = points[0];
  for (const point of points) {
    if (point.validNdcg10 > best.validNdcg10) best = point;
  }

  const threshold = CONVERGED_FRACTION * best.validNdcg10;
  const converged = points.find((p) => p.validNdcg10 >= threshold) ?? best;
  return {
    first: points[0].validNdcg10,
    best: best.validNdcg10,
    bestEpoch: best.epoch,
    convergedEpoch: converged.epoch,
  };
}

function average(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
