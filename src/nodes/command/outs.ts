/**
 * A command's outs: the files or folders it writes, relative to its working
 * directory, which become its artifact. They are checked before the run,
 * removed before the command starts (so a stale copy from an earlier run
 * can never pass for a new one) and copied into the artifact afterwards.
 */
import { cp, lstat, rm } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { CommandError, quoteForMessage } from './errors.js';

/** Files the node itself writes at the top of the artifact folder. */
export const COMMAND_LOG_FILES = ['stdout.log', 'stderr.log', 'exit.json'];

/** Files the runner writes into every artifact folder. */
const RUNNER_FILES = ['result.json', 'manifest.json'];

/**
 * Checks the outs and returns them normalised: relative, inside the
 * working directory, distinct, none inside another, none named like a file
 * of the artifact's own.
 */
export function checkOuts(outs: readonly string[]): string[] {
  const normalised = outs.map(checkOut);
  for (const [index, out] of normalised.entries()) {
    const other = normalised.find(
      (candidate, at) =>
        at !== index && (candidate === out || out.startsWith(candidate + sep)),
    );
    if (other === undefined) continue;

    const rule =
      other === out ? 'it is listed twice' : `it lies inside out \`${other}\``;
    throw invalidOut(outs[index], rule, 'list each file or folder once');
  }

  return normalised;
}

function checkOut(out: string): string {
  if (isAbsolute(out)) {
    throw invalidOut(
      out,
      'outs are relative to the working directory',
      'write a relative path',
    );
  }

  const path = normalize(out).replace(/[\\/]+$/, '');
  const outside = path === '..' || path.startsWith(`..${sep}`);
  if (path === '.' || path === '' || outside) {
    throw invalidOut(
      out,
      'it is not inside the working directory',
      'name a file or folder below it',
    );
  }

  if ([...COMMAND_LOG_FILES, ...RUNNER_FILES].includes(path)) {
    throw invalidOut(
      out,
      'the artifact already has a file of that name',
      'rename the out or put it in a folder',
    );
  }

  return path;
}

function invalidOut(out: string, rule: string, fix: string): CommandError {
  return new CommandError(
    'COMMAND_INVALID_PARAM',
    `Out ${quoteForMessage(out)} in param \`outs\` is invalid: ${rule}. ` +
      `Fix: ${fix}.`,
  );
}

/** Removes the outs from the working directory before the command runs. */
export async function removeOuts(
  cwd: string,
  outs: readonly string[],
): Promise<void> {
  for (const out of outs) {
    await rm(join(cwd, out), { recursive: true, force: true });
  }
}

/**
 * Copies every out into `outDir` under the same relative path. Throws a
 * `COMMAND_OUT_MISSING` error naming each out the command did not write.
 */
export async function collectOuts(
  cwd: string,
  outs: readonly string[],
  outDir: string,
): Promise<void> {
  const missing: string[] = [];
  for (const out of outs) {
    if (!(await exists(join(cwd, out)))) missing.push(out);
  }

  if (missing.length > 0) throw missingOuts(cwd, missing);

  for (const out of outs) {
    // Links are copied as the files they point to, so the artifact
    // never refers to anything outside the store.
    await cp(join(cwd, out), join(outDir, out), {
      recursive: true,
      dereference: true,
      errorOnExist: true,
      force: false,
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function missingOuts(cwd: string, missing: string[]): CommandError {
  const names = missing.map((out) => `\`${out}\``).join(', ');
  return new CommandError(
    'COMMAND_OUT_MISSING',
    `The command exited with code 0 but did not write the declared ` +
      `out${missing.length > 1 ? 's' : ''} ${names} (looked in \`${cwd}\`). ` +
      'Fix: make the command write it there, or correct `outs` and `cwd`.',
  );
}
