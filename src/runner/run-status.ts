/**
 * The status of a run as `runs`, `show` and the report display it: a
 * record left `running` by a runner that was killed hard reads as
 * `interrupted`.
 */
import { hostname } from 'node:os';
import { isPidAlive } from '../store/index.js';
import type { RunRecord } from './run-record.js';

/** Status of a run for display: the record's, or `interrupted`. */
export type RunStatus = RunRecord['status'] | 'interrupted';

/**
 * Returns the status to show for `record`. A `running` record whose runner
 * pid no longer exists on this host is `interrupted`, because that runner
 * was killed before it could finish the record.
 *
 * Note: the record file itself is left alone, since only the runner that
 * owns a run writes its record. A record from another host, or one written
 * before records named their runner, keeps `running`.
 *
 * NOTE: a pid reused by an unrelated process keeps a dead run `running`.
 */
export function runStatus(record: RunRecord): RunStatus {
  if (record.status !== 'running') return record.status;
  if (record.pid === undefined || record.host !== hostname()) return 'running';
  return isPidAlive(record.pid) ? 'running' : 'interrupted';
}
