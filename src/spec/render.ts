/**
 * Renders diagnostics like a compiler: `file:line:col: error: message`,
 * the source line with the value underlined, `expected:` and `received:`
 * lines, and notes for related places.
 */
import path from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import { OVERRIDE_FILE, type SourceSet } from './source-text.js';
import type { SourceLocation } from './types.js';

/** Options of `renderDiagnostics`. */
export interface RenderOptions {
  /** Whether to use ANSI colours. Default false. */
  color?: boolean;
  /** Folder that file paths are shown relative to. Default the cwd. */
  cwd?: string;
  /** Maximum number of diagnostics shown; the rest are counted. Default 50. */
  maxErrors?: number;
}

/** Maximum length of a source line shown in full; longer ones are cut. */
const MAX_LINE_CHARS = 120;

const ANSI = {
  bold: '1',
  red: '31',
  cyan: '36',
  green: '32',
  dim: '2',
} as const;

/** Renders every diagnostic, then a count. */
export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: SourceSet,
  options: RenderOptions = {},
): string {
  const style = styler(options.color ?? false);
  const cwd = options.cwd ?? process.cwd();
  const shown = diagnostics.slice(0, options.maxErrors ?? 50);
  const blocks = shown.map((item) => renderOne(item, sources, cwd, style));
  const hidden = diagnostics.length - shown.length;
  if (hidden > 0) blocks.push(`… ${hidden} more not shown.`);
  const count =
    diagnostics.length === 1 ? '1 error' : `${diagnostics.length} errors`;
  return `${blocks.join('\n\n')}\n\n${style(ANSI.bold, `Found ${count} in the pipeline.`)}\n`;
}

type Style = (code: string, text: string) => string;

function styler(color: boolean): Style {
  return (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
}

function renderOne(
  item: Diagnostic,
  sources: SourceSet,
  cwd: string,
  style: Style,
): string {
  const lines = [
    `${style(ANSI.bold, formatLocation(item.location, cwd))}: ${style(ANSI.red, 'error')}: ${style(ANSI.bold, item.message)}`,
    ...snippet(item.location, sources, style, ANSI.red),
  ];
  if (item.expected !== undefined)
    lines.push(`  ${style(ANSI.green, 'expected')}: ${item.expected}`);
  if (item.received !== undefined)
    lines.push(`  ${style(ANSI.red, 'received')}: ${item.received}`);

  for (const related of item.related) {
    lines.push(
      `${style(ANSI.bold, formatLocation(related.location, cwd))}: ${style(ANSI.cyan, 'note')}: ${related.message}`,
    );
    lines.push(...snippet(related.location, sources, style, ANSI.cyan));
  }

  return lines.join('\n');
}

/** `file:line:col`, the file relative to `cwd` when it lies inside it. */
export function formatLocation(
  location: SourceLocation,
  cwd: string = process.cwd(),
): string {
  return `${displayPath(location.file, cwd)}:${location.line}:${location.column}`;
}

function displayPath(file: string, cwd: string): string {
  if (file === OVERRIDE_FILE || !path.isAbsolute(file)) return file;
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative)
    ? file
    : relative;
}

/** Renders the source line with a gutter and the `^~~~` underline. */
function snippet(
  location: SourceLocation,
  sources: SourceSet,
  style: Style,
  color: string,
): string[] {
  const source = sources.get(location.file);
  const text = source?.line(location.line);
  if (text === undefined) return [];

  const shownText = location.file === OVERRIDE_FILE ? `--set ${text}` : text;
  const shift = location.file === OVERRIDE_FILE ? '--set '.length : 0;
  const { line, column } = clip(shownText, location.column - 1 + shift);
  const gutter = String(location.line);
  const pad = ' '.repeat(gutter.length);
  const indent = line.slice(0, column).replace(/[^\t]/g, ' ');
  const width = Math.max(1, Math.min(location.length, line.length - column));
  const underline = `^${'~'.repeat(width - 1)}`;
  return [
    ` ${style(ANSI.dim, `${gutter} |`)} ${line}`,
    ` ${style(ANSI.dim, `${pad} |`)} ${indent}${style(color, underline)}`,
  ];
}

/** Cuts a long line to a window around `column` (0-based). */
function clip(text: string, column: number): { line: string; column: number } {
  if (text.length <= MAX_LINE_CHARS) return { line: text, column };
  const start = Math.max(
    0,
    Math.min(column - MAX_LINE_CHARS / 2, text.length - MAX_LINE_CHARS),
  );
  const prefix = start > 0 ? '…' : '';
  const suffix = start + MAX_LINE_CHARS < text.length ? '…' : '';
  return {
    line: `${prefix}${text.slice(start, start + MAX_LINE_CHARS)}${suffix}`,
    column: column - start + prefix.length,
  };
}
