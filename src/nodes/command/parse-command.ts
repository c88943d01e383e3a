/**
 * Splits a command string into an argument vector without a shell, with
 * the quoting rules of a POSIX shell: blanks separate words, single quotes
 * keep everything literally, double quotes keep everything but `\"`, `\\`,
 * `\$` and `` \` ``, and a backslash outside quotes escapes the next
 * character. Shell syntax that only a shell can carry out (pipes,
 * redirections, `$VAR`, command substitution) is rejected with a hint to
 * set `shell: true`, instead of being passed on as literal text.
 */
import { CommandError, quoteForMessage } from './errors.js';

/** Characters that mean something to a shell when left unquoted. */
const SHELL_OPERATORS = new Set(['|', '&', ';', '<', '>', '(', ')', '`']);

/** Characters escapable by a backslash inside double quotes. */
const DOUBLE_QUOTE_ESCAPES = new Set(['"', '\\', '$', '`', '\n']);

/** The state of the scanner between characters. */
interface Scan {
  words: string[];
  word: string;
  /** Whether a word has started, so that `''` yields an empty argument. */
  inWord: boolean;
  index: number;
}

/** Splits `command` into argv; throws `CommandError` on shell syntax. */
export function parseCommand(command: string): string[] {
  const scan: Scan = { words: [], word: '', inWord: false, index: 0 };
  while (scan.index < command.length) {
    scanNext(command, scan);
  }

  endWord(scan);
  if (scan.words.length === 0) {
    throw invalid(command, 'it contains no program name', 'name a program');
  }

  return scan.words;
}

function scanNext(command: string, scan: Scan): void {
  const char = command[scan.index];
  if (/\s/.test(char)) {
    endWord(scan);
    scan.index += 1;
  } else if (char === "'") {
    readSingleQuoted(command, scan);
  } else if (char === '"') {
    readDoubleQuoted(command, scan);
  } else if (char === '\\') {
    readEscape(command, scan);
  } else {
    rejectShellSyntax(command, scan.index);
    scan.word += char;
    scan.inWord = true;
    scan.index += 1;
  }
}

function endWord(scan: Scan): void {
  if (scan.inWord) scan.words.push(scan.word);
  scan.word = '';
  scan.inWord = false;
}

function readSingleQuoted(command: string, scan: Scan): void {
  const end = command.indexOf("'", scan.index + 1);
  if (end === -1) throw unterminated(command, "'");

  scan.word += command.slice(scan.index + 1, end);
  scan.inWord = true;
  scan.index = end + 1;
}

function readDoubleQuoted(command: string, scan: Scan): void {
  let index = scan.index + 1;
  while (index < command.length && command[index] !== '"') {
    const next = command[index + 1];
    if (command[index] === '\\' && DOUBLE_QUOTE_ESCAPES.has(next)) {
      // A backslash before a newline joins the lines, as in a shell.
      if (next !== '\n') scan.word += next;
      index += 2;
      continue;
    }

    if (command[index] === '$' || command[index] === '`') {
      rejectShellSyntax(command, index);
    }

    scan.word += command[index];
    index += 1;
  }

  if (index >= command.length) throw unterminated(command, '"');
  scan.inWord = true;
  scan.index = index + 1;
}

function readEscape(command: string, scan: Scan): void {
  const next = command[scan.index + 1];
  if (next === undefined) {
    throw invalid(command, 'it ends with a lone backslash', 'remove it');
  }

  if (next !== '\n') {
    scan.word += next;
    scan.inWord = true;
  }

  scan.index += 2;
}

/**
 * Rejects characters whose meaning needs a shell. `$` counts only before a
 * name, `{` or `(`, so a literal price such as `5$` passes.
 */
function rejectShellSyntax(command: string, index: number): void {
  const char = command[index];
  const next = command[index + 1] ?? '';
  const expansion = char === '$' && /[A-Za-z_{(0-9@*#?!-]/.test(next);
  if (!SHELL_OPERATORS.has(char) && !expansion) return;

  const shown = expansion ? `$${next}` : char;
  throw invalid(
    command,
    `\`${shown}\` at column ${index + 1} is shell syntax, and the command ` +
      'runs without a shell',
    "set `shell: true`, or quote the character to pass it literally",
  );
}

function unterminated(command: string, quote: string): CommandError {
  return invalid(
    command,
    `a ${quote} quote is never closed`,
    'close the quote',
  );
}

function invalid(command: string, rule: string, fix: string): CommandError {
  return new CommandError(
    'COMMAND_INVALID_PARAM',
    `Param \`cmd\` ${quoteForMessage(command)} cannot be split into ` +
      `arguments: ${rule}. Fix: ${fix}.`,
  );
}
