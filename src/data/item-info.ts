/** Parsing release years from MovieLens titles and release dates. */

// A year in parentheses at the end of a title: `Heat (1995)`, or a range
// for series in ml-latest-small: `Planet Earth (2006–2007)`.
const titleYearPattern = /\((\d{4})(?:\s*[-\u2013]\s*\d{0,4})?\)\s*$/;
const dateYearPattern = /(\d{4})\s*$/;

/** Extracts the release year from a title ending in `(YYYY)`. */
export function parseTitleYear(title: string): number | undefined {
  const match = titleYearPattern.exec(title);
  return match ? Number(match[1]) : undefined;
}

/** Removes a trailing `(YYYY)` from a title. */
export function stripTitleYear(title: string): string {
  return title.replace(titleYearPattern, '').trim();
}

/** Extracts the year from a date ending in a 4-digit year (`01-Jan-1995`). */
export function parseDateYear(date: string): number | undefined {
  const match = dateYearPattern.exec(date);
  return match ? Number(match[1]) : undefined;
}
