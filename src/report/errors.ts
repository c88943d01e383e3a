/**
 * Failures of `compare` and `report`, as an error class with a stable code
 * so the CLI can map each one to an exit status and tests can match it.
 */

/** Reason a comparison or report could not be produced. */
export type ReportErrorCode =
  | 'RUN_NOT_FOUND'
  | 'NO_RUNS_FOR_PIPELINE'
  | 'NO_EVALUATED_VARIANTS'
  | 'INVALID_RUN_RECORD'
  | 'INVALID_ARTIFACT'
  | 'UNKNOWN_METRIC'
  | 'UNKNOWN_SORT_KEY'
  | 'UNKNOWN_BASELINE'
  | 'AMBIGUOUS_BASELINE'
  | 'UNKNOWN_FORMAT';

/** An error of `compare` or `report`, with a code that names the reason. */
export class ReportError extends Error {
  readonly code: ReportErrorCode;

  constructor(code: ReportErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReportError';
    this.code = code;
  }
}
