/**
 * The progress panel of one running node: bars for epochs and steps, the
 * loss, the latest validation NDCG@10 with its trend across epochs, the
 * throughput and the ETA.
 */
import { Box, Text } from 'ink';
import { renderBar } from '../bar.js';
import {
  formatDuration,
  formatLoss,
  formatMetric,
  formatRate,
} from '../format.js';
import {
  countWorkUnits,
  type NodeProgressState,
} from '../progress-tracking.js';
import { renderSparkline } from '../sparkline.js';
import type { NodeState } from '../state.js';
import { STATUS_COLORS, STATUS_MARKS } from '../theme.js';
import { Tone } from './tone.js';

/** Maximum bar width; wider terminals leave the rest blank. */
const MAX_BAR_WIDTH = 40;
/** Minimum bar width worth drawing; below it the bar is left out. */
const MIN_BAR_WIDTH = 4;
/** Maximum epochs the trend line shows; older ones scroll off. */
const MAX_TREND_WIDTH = 40;

/** Props of `NodeProgress`. */
export interface NodeProgressProps {
  node: NodeState;
  nowMs: number;
  columns: number;
}

/** Renders the panel, a few lines tall. */
export function NodeProgress({ node, nowMs, columns }: NodeProgressProps) {
  const progress = node.progress;

  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate-end">
        <Tone color={STATUS_COLORS.running}>{STATUS_MARKS.running}</Tone>{' '}
        <Tone bold>{node.info.id}</Tone>
        {describePhase(node)}
      </Text>
      {progress === undefined ? (
        <Tone dim>{'  '}waiting for the first progress report</Tone>
      ) : (
        <ProgressLines progress={progress} nowMs={nowMs} columns={columns} />
      )}
    </Box>
  );
}

function describePhase(node: NodeState): string {
  const parts = [node.progress?.phase ?? 'running'];
  if (node.resumedFromEpoch !== undefined) {
    parts.push(`resumed from epoch ${node.resumedFromEpoch}`);
  }

  return ' · ' + parts.join(' · ');
}

interface ProgressLinesProps {
  progress: NodeProgressState;
  nowMs: number;
  columns: number;
}

function ProgressLines({ progress, nowMs, columns }: ProgressLinesProps) {
  const bars = describeBars(progress);
  const labelWidth = Math.max(0, ...bars.map((bar) => bar.label.length));
  // Two cells of indent, a space either side of the bar, and `100%`.
  const barWidth = Math.min(MAX_BAR_WIDTH, columns - labelWidth - 8);
  const stats = describeStats(progress, nowMs);
  const validation = describeValidation(progress, columns);

  return (
    <>
      {bars.map((bar) => (
        <Text key={bar.label} wrap="truncate-end">
          {'  '}
          {bar.label.padEnd(labelWidth)}
          {barWidth >= MIN_BAR_WIDTH
            ? ' ' + renderBar(bar.fraction, barWidth)
            : ''}{' '}
          {formatPercent(bar.fraction)}
        </Text>
      ))}
      {stats === '' ? null : <Text wrap="truncate-end">{'  ' + stats}</Text>}
      {validation === '' ? null : <Tone color="cyan">{'  ' + validation}</Tone>}
    </>
  );
}

interface BarLine {
  label: string;
  fraction: number;
}

function describeBars(progress: NodeProgressState): BarLine[] {
  const bars: BarLine[] = [];
  const units = countWorkUnits(progress);
  if (progress.epochs !== undefined && units !== undefined) {
    bars.push({
      label: `epoch ${progress.epoch ?? 0}/${progress.epochs}`,
      fraction: units.done / units.total,
    });
  }

  if (progress.steps !== undefined && progress.step !== undefined) {
    bars.push({
      label: `step ${progress.step}/${progress.steps}`,
      fraction: progress.step / progress.steps,
    });
  }

  return bars;
}

function formatPercent(fraction: number): string {
  const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return `${percent}%`.padStart(4);
}

/** `loss … · … seq/s · ETA …`, with the parts that are known. */
function describeStats(progress: NodeProgressState, nowMs: number): string {
  const parts: string[] = [];
  if (progress.loss !== undefined) {
    parts.push(`loss ${formatLoss(progress.loss)}`);
  }

  if (progress.sequencesPerS !== undefined) {
    parts.push(`${formatRate(progress.sequencesPerS)} seq/s`);
  } else if (progress.unitsPerS !== undefined) {
    parts.push(`${formatRate(progress.unitsPerS)} steps/s`);
  }

  if (progress.etaMs !== undefined) {
    // The estimate was made at the last event; count down since then.
    const leftMs = progress.etaMs - (nowMs - progress.updatedAtMs);
    parts.push(`ETA ${formatDuration(leftMs)}`);
  }

  return parts.join(' · ');
}

/** `valid NDCG@10 0.0412 ▁▃▅▇`, or empty before the first validation. */
function describeValidation(
  progress: NodeProgressState,
  columns: number,
): string {
  if (progress.validNdcg10 === undefined) {
    return '';
  }

  const text = `valid NDCG@10 ${formatMetric(progress.validNdcg10)}`;
  const trendWidth = Math.min(MAX_TREND_WIDTH, columns - text.length - 4);
  const trend = renderSparkline(
    progress.validHistory.map((point) => point.value),
    trendWidth,
  );

  return trend.length > 1 ? `${text} ${trend}` : text;
}
