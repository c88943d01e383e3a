/**
 * A one-line trend chart from block characters of eight heights.
 */

const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * Renders the newest `maxWidth` values as a sparkline, scaled between the
 * minimum and the maximum of the values shown. A flat series is drawn at
 * mid height so it does not read as zero.
 */
export function renderSparkline(values: number[], maxWidth: number): string {
  const shown = values
    .filter((value) => Number.isFinite(value))
    .slice(-Math.max(0, Math.floor(maxWidth)));
  if (shown.length === 0) {
    return '';
  }

  const min = Math.min(...shown);
  const max = Math.max(...shown);
  if (max === min) {
    return LEVELS[3].repeat(shown.length);
  }

  const top = LEVELS.length - 1;
  return shown
    .map((value) => LEVELS[Math.round(((value - min) / (max - min)) * top)])
    .join('');
}
