/**
 * Source texts that locations point into, for turning offsets into
 * `line:col` and for showing the offending line when rendering.
 */
import { LineCounter } from 'yaml';
import type { SourceLocation } from './types.js';

/**
 * File name of the synthetic source made of the `--set` arguments, one
 * argument per line, so a location's line is the argument's position.
 */
export const OVERRIDE_FILE = '<--set>';

/** The text of one file, with its line starts indexed. */
export class SourceText {
  readonly lineCounter = new LineCounter();

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.lineCounter.addNewLine(0);
    for (let index = 0; index < text.length; index++) {
      if (text[index] === '\n') this.lineCounter.addNewLine(index + 1);
    }
  }

  /**
   * Location of the text between two offsets. The length stops at the end
   * of the first line, since the underline covers one line.
   */
  location(start: number, end: number = start): SourceLocation {
    const safeStart = Math.max(0, Math.min(start, this.text.length));
    const { line, col } = this.lineCounter.linePos(safeStart);
    const lineEnd = this.lineEndOffset(line);
    const length = Math.max(0, Math.min(end, lineEnd) - safeStart);
    return { file: this.file, line, column: col, length };
  }

  /** Text of a line counting from 1, without its line break. */
  line(line: number): string | undefined {
    const start = this.lineCounter.lineStarts[line - 1];
    if (start === undefined) return undefined;
    return this.text.slice(start, this.lineEndOffset(line)).replace(/\r$/, '');
  }

  private lineEndOffset(line: number): number {
    const next = this.lineCounter.lineStarts[line];
    return next === undefined ? this.text.length : next - 1;
  }
}

/** Source texts by file name. */
export type SourceSet = ReadonlyMap<string, SourceText>;

/** Location of a whole file, for problems that have no better place. */
export function fileLocation(file: string): SourceLocation {
  return { file, line: 1, column: 1, length: 0 };
}

/**
 * Narrows a location to the first occurrence of `needle` inside it on the
 * same line, for pointing at a `${vars.x}` inside a longer string. Returns
 * the location unchanged when the text is not found there (for example in
 * a quoted string with escapes).
 */
export function narrowLocation(
  sources: SourceSet,
  location: SourceLocation,
  needle: string,
): SourceLocation {
  const text = sources.get(location.file)?.line(location.line);
  if (text === undefined) return location;
  const from = location.column - 1;
  const index = text.indexOf(needle, from);
  const withinValue =
    location.length === 0 || index + needle.length <= from + location.length;
  if (index < 0 || !withinValue) return location;
  return { ...location, column: index + 1, length: needle.length };
}
