/**
 * Segments of the test cases, for the claims about cold-start items and
 * sparse users. A case can be in both `cold-item` and `sparse-user`;
 * `rest` contains the cases in neither.
 */
import type { TestCase } from './test-cases.js';

/** Names of the reported segments, in report order. */
export const SEGMENT_NAMES = ['cold-item', 'sparse-user', 'rest'] as const;

/** One segment's name. */
export type SegmentName = (typeof SEGMENT_NAMES)[number];

/** Thresholds that define the segments. */
export interface SegmentThresholds {
  /** A target with at most this many training interactions is cold. */
  coldItemThreshold: number;
  /** A user whose input history has at most this many items is sparse. */
  sparseUserThreshold: number;
}

/** Indices of the test cases in each segment, ascending. */
export type SegmentAssignment = Record<SegmentName, number[]>;

/**
 * Assigns every test case to its segments. `trainingCounts[i]` is the
 * training interaction count of item i, as `trainingItemCounts` returns.
 */
export function assignSegments(
  cases: readonly TestCase[],
  trainingCounts: Int32Array,
  thresholds: SegmentThresholds,
): SegmentAssignment {
  const assignment: SegmentAssignment = {
    'cold-item': [],
    'sparse-user': [],
    rest: [],
  };

  cases.forEach((testCase, index) => {
    const cold =
      trainingCounts[testCase.target] <= thresholds.coldItemThreshold;
    const sparse = testCase.history.length <= thresholds.sparseUserThreshold;
    if (cold) assignment['cold-item'].push(index);
    if (sparse) assignment['sparse-user'].push(index);
    if (!cold && !sparse) assignment.rest.push(index);
  });

  return assignment;
}

/** Describes a segment's rule in words, for `metrics.json`. */
export function describeSegment(
  name: SegmentName,
  thresholds: SegmentThresholds,
): string {
  switch (name) {
    case 'cold-item':
      return (
        `target has <= ${thresholds.coldItemThreshold} training ` +
        'interactions'
      );
    case 'sparse-user':
      return `input history has <= ${thresholds.sparseUserThreshold} items`;
    case 'rest':
      return 'neither cold-item nor sparse-user';
  }
}
