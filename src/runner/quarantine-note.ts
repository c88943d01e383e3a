/**
 * Builds the sentence about a damaged cached artifact set aside, for the
 * `plan` output and the run's warning log.
 */
import { describeArtifactProblem } from '../store/index.js';
import type { QuarantineEvent } from '../store/store.js';

/** Describes a quarantined artifact of node `nodeId` in one sentence. */
export function describeQuarantine(
  nodeId: string,
  event: QuarantineEvent,
): string {
  return (
    `The cached artifact of \`${nodeId}\` (key ${event.key}) is damaged: ` +
    `${describeArtifactProblem(event.problem)}. It was moved to ` +
    `${event.movedTo}, so the node runs again.`
  );
}
