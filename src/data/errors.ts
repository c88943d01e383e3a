/**
 * Typed failures of dataset loading. Every error names the file and, where
 * it concerns one line, the 1-based line number and the offending value, so
 * the rendered message reads `file:line: what. Fix.`
 */

/** Reason code of a data failure: stable and machine-readable. */
export type DataErrorReason =
  | 'missing-file'
  | 'empty-file'
  | 'header-only'
  | 'malformed-row'
  | 'short-row'
  | 'unterminated-quote'
  | 'missing-column'
  | 'invalid-id'
  | 'invalid-timestamp'
  | 'invalid-rating'
  | 'invalid-utf8'
  | 'invalid-option'
  | 'no-ratings'
  | 'no-users-left'
  | 'checksum-mismatch'
  | 'download-failed'
  | 'invalid-archive'
  | 'invalid-artifact'
  | 'duplicate-id'
  | 'invalid-vector'
  | 'dimension-mismatch'
  | 'low-coverage';

/** Fields of a {@link DataError} besides its message. */
export interface DataErrorDetails {
  /** File the problem is in, when it concerns one file. */
  file?: string;
  /** 1-based line number in `file`. */
  line?: number;
  /** The offending value as read, when there is one. */
  value?: string;
  /** The error that caused this one, such as a failed `fetch`. */
  cause?: unknown;
}

/** A failure to read, verify or process data, with a `reason` code. */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly reason: DataErrorReason;
  readonly file?: string;
  readonly line?: number;
  readonly value?: string;

  /**
   * Creates the error; `summary` is the sentence after the location prefix
   * and should end with the fix.
   */
  constructor(
    reason: DataErrorReason,
    summary: string,
    details: DataErrorDetails = {},
  ) {
    super(formatMessage(summary, details), { cause: details.cause });
    this.reason = reason;
    this.file = details.file;
    this.line = details.line;
    this.value = details.value;
  }
}

function formatMessage(summary: string, details: DataErrorDetails): string {
  if (details.file === undefined) {
    return summary;
  }

  const location =
    details.line === undefined
      ? details.file
      : `${details.file}:${details.line}`;
  return `${location}: ${summary}`;
}

/** Quotes a value from a file for a message, shortened to 60 characters. */
export function quoteValue(value: string): string {
  const maxChars = 60;
  const shown =
    value.length > maxChars ? `${value.slice(0, maxChars)}...` : value;
  return `\`${JSON.stringify(shown).slice(1, -1)}\``;
}
