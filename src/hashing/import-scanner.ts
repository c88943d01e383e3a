/**
 * Finds the module specifiers a TypeScript or JavaScript source imports at
 * run time: `import … from`, bare `import '…'`, `export … from` and
 * `import('…')` with a string literal. Type-only imports and re-exports are
 * skipped because the compiler erases them, so they cannot change what a
 * node computes.
 */

const STATIC_FORMS = [
  // import x from '…', import { a } from '…', import * as n from '…'
  /(?:^|[;\s}])import\s+(type\s+)?[\w$*{][^;'"]*?\sfrom\s*(['"])(.*?)\2/g,
  // import '…'
  /(?:^|[;\s}])import\s*(['"])(.*?)\1/g,
  // export { a } from '…', export * from '…', export * as n from '…'
  /(?:^|[;\s}])export\s+(type\s+)?[*{][^;'"]*?from\s*(['"])(.*?)\2/g,
];
const DYNAMIC_FORM = /(?:^|[^\w$.])import\s*\(\s*(['"])(.*?)\1\s*\)/g;

/** Returns the specifiers of run-time imports in source order, unique. */
export function findImportSpecifiers(source: string): string[] {
  const code = blankCommentsAndTemplates(source);
  const found: { index: number; specifier: string }[] = [];

  for (const form of STATIC_FORMS) {
    for (const match of code.matchAll(form)) {
      const typeOnly = match.length === 4 && match[1] !== undefined;
      if (!typeOnly) {
        found.push({ index: match.index, specifier: match[match.length - 1] });
      }
    }
  }

  for (const match of code.matchAll(DYNAMIC_FORM)) {
    found.push({ index: match.index, specifier: match[2] });
  }

  found.sort((a, b) => a.index - b.index);
  return [...new Set(found.map((item) => item.specifier))];
}

/** Tells whether a specifier names a file relative to the importing module. */
export function isRelativeSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

/**
 * Replaces comments and template literals with spaces, keeping line breaks
 * and offsets, so that an import written inside them is not taken for a
 * real one. Quoted strings are kept because specifiers are strings.
 */
function blankCommentsAndTemplates(source: string): string {
  const out = source.split('');
  let index = 0;
  while (index < source.length) {
    const end = skippedRegionEnd(source, index);
    if (end === index) {
      index += quotedStringLength(source, index) || 1;
      continue;
    }

    for (let at = index; at < end; at += 1) {
      if (out[at] !== '\n') out[at] = ' ';
    }
    index = end;
  }

  return out.join('');
}

/** End of a comment or template literal starting at `index`, or `index`. */
function skippedRegionEnd(source: string, index: number): number {
  const pair = source.slice(index, index + 2);
  if (pair === '//') return lineEnd(source, index);
  if (pair === '/*') return blockEnd(source, index + 2, '*/');
  if (source[index] === '`') return quotedEnd(source, index, '`');
  return index;
}

function quotedStringLength(source: string, index: number): number {
  const quote = source[index];
  if (quote !== "'" && quote !== '"') return 0;
  return quotedEnd(source, index, quote) - index;
}

function quotedEnd(source: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < source.length && source[index] !== quote) {
    index += source[index] === '\\' ? 2 : 1;
  }

  return Math.min(index + 1, source.length);
}

function lineEnd(source: string, index: number): number {
  const end = source.indexOf('\n', index);
  return end === -1 ? source.length : end;
}

function blockEnd(source: string, index: number, close: string): number {
  const end = source.indexOf(close, index);
  return end === -1 ? source.length : end + close.length;
}
