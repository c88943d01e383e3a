/** Run ids: sortable by start time and short enough to type. */
import { randomBytes } from 'node:crypto';

/**
 * Creates a run id such as `20261204-173012-ab12`: the UTC start time to
 * the second, then four random hex digits so that two runs started in the
 * same second get different ids.
 */
export function createRunId(now: Date = new Date()): string {
  const iso = now.toISOString();
  const date = iso.slice(0, 10).replace(/-/g, '');
  const time = iso.slice(11, 19).replace(/:/g, '');
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}
