/**
 * A short run of the crash-consistency harness, whose long run is
 * `npm run bench:kill`. It SIGKILLs the runner's process group at seeded
 * random moments. After every kill the store must be consistent, and
 * completed runs must match a clean run's digests.
 */
import { describe, expect, it } from 'vitest';
import { runKillTrials } from '../bench/reliability/kill-trials.js';
import {
  DATA_DIR,
  tempFolder,
  TINY_PIPELINE,
} from './fixtures/reliability/helpers.js';

describe('kill harness', () => {
  it(
    'three kills leave a consistent store',
    async () => {
      const folder = await tempFolder('distillery-kill-');
      try {
        const report = await runKillTrials({
          pipelineFile: TINY_PIPELINE,
          dataDir: DATA_DIR,
          workDir: folder.dir,
          trials: 3,
          seed: 7,
        });
        const failures = report.failures.map((record) => ({
          trial: record.trial,
          problems: record.problems,
          mismatches: record.digestMismatches,
          survivors: record.survivors,
        }));
        expect(failures).toEqual([]);
        expect(report.kills).toBe(3);
        expect(report.completedRuns).toBeGreaterThanOrEqual(1);
        expect(Object.keys(report.reference).sort()).toEqual([
          'data',
          'evaluate',
          'student',
        ]);
      } finally {
        await folder.cleanup();
      }
    },
    300_000,
  );
});
