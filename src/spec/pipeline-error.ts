/** The error thrown for an invalid pipeline file. */
import {
  formatLocation,
  renderDiagnostics,
  type RenderOptions,
} from './render.js';
import type { Diagnostic } from './diagnostics.js';
import type { SourceSet } from './source-text.js';

/**
 * Thrown by `loadPipeline` and `resolvePipeline` with every problem found.
 * `render()` shows them like compiler errors; the message is a one-line
 * summary.
 */
export class PipelineError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'PIPELINE_INVALID';
  /** Every problem, sorted by file and position, without repeats. */
  diagnostics: Diagnostic[];
  private readonly sources: SourceSet;

  constructor(diagnostics: readonly Diagnostic[], sources: SourceSet) {
    const unique = sortDiagnostics(dedupeDiagnostics(diagnostics));
    super(summarize(unique));
    this.name = 'PipelineError';
    this.diagnostics = unique;
    this.sources = sources;
  }

  /** Renders every diagnostic with its source line; no stack trace. */
  render(options: RenderOptions = {}): string {
    return renderDiagnostics(this.diagnostics, this.sources, options);
  }
}

function summarize(diagnostics: Diagnostic[]): string {
  const first = diagnostics[0];
  if (first === undefined)
    return 'Internal error: a pipeline error without diagnostics.';
  const more =
    diagnostics.length > 1
      ? ` (and ${diagnostics.length - 1} more errors)`
      : '';
  return `${formatLocation(first.location)}: ${first.message}${more}`;
}

/** Drops diagnostics equal to an earlier one in reason, place and message. */
export function dedupeDiagnostics(
  diagnostics: readonly Diagnostic[],
): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((item) => {
    const key = diagnosticKey(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Identity of a diagnostic for merging repeats. */
export function diagnosticKey(item: Diagnostic): string {
  const { file, line, column } = item.location;
  return `${item.reason}\u0000${file}:${line}:${column}\u0000${item.message}`;
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  // The `--set` source sorts after the file, because it is applied after.
  const rank = (item: Diagnostic) =>
    item.location.file.startsWith('<') ? 1 : 0;
  return [...diagnostics].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column,
  );
}
