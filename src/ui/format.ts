/**
 * Text formatting shared by the UI components: durations, metric values,
 * throughput and cache key prefixes.
 */

/** Characters of a cache key shown next to each node. */
export const KEY_PREFIX_LENGTH = 8;

/**
 * Formats a duration for a narrow column: `4.2s`, `42s`, `3m 07s`,
 * `2h 05m`. Negative values count as zero.
 */
export function formatDuration(durationMs: number): string {
  const totalS = Math.max(0, durationMs) / 1000;
  if (totalS < 10) {
    return `${totalS.toFixed(1)}s`;
  }

  if (totalS < 60) {
    return `${Math.floor(totalS)}s`;
  }

  const totalMinutes = Math.floor(totalS / 60);
  if (totalMinutes < 60) {
    const seconds = Math.floor(totalS % 60);
    return `${totalMinutes}m ${pad2(seconds)}s`;
  }

  const hours = Math.floor(totalMinutes / 60);
  return `${hours}h ${pad2(totalMinutes % 60)}m`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** Formats a ranking metric (HR, NDCG, MRR) with four decimals. */
export function formatMetric(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value)
    ? '-'
    : value.toFixed(4);
}

/** Formats a training loss with four significant decimals. */
export function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(4) : String(loss);
}

/** Formats a rate such as sequences per second without noise digits. */
export function formatRate(perS: number): string {
  if (perS >= 100) {
    return Math.round(perS).toString();
  }

  return perS.toFixed(1);
}

/** Returns the first `KEY_PREFIX_LENGTH` characters of a key, or dashes. */
export function formatKeyPrefix(key: string): string {
  return key === ''
    ? '-'.repeat(KEY_PREFIX_LENGTH)
    : key.slice(0, KEY_PREFIX_LENGTH).padEnd(KEY_PREFIX_LENGTH);
}

/**
 * Splits `text` at spaces into lines of at most `width` characters, and
 * no continuation line starts with a space. A word longer than `width`
 * is cut into pieces.
 */
export function wrapWords(text: string, width: number): string[] {
  const limit = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (candidate.length <= limit) {
      current = candidate;
      continue;
    }

    if (current !== '') {
      lines.push(current);
    }

    current = word;
    while (current.length > limit) {
      lines.push(current.slice(0, limit));
      current = current.slice(limit);
    }
  }

  if (current !== '') {
    lines.push(current);
  }

  return lines;
}
