/**
 * Preparing one execution of a command node: its working directory, its
 * argument vector with placeholders filled in, and its params file.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import type { ArtifactRef, NodeContext } from '../node-type.js';
import { CommandError, quoteForMessage } from './errors.js';
import { parseCommand } from './parse-command.js';
import { checkCmd, paramsFileFormat, type CommandParams } from './params.js';
import {
  expandArguments,
  expandShellCommand,
  type TemplateValues,
} from './template.js';

/** Returns the placeholder values of the context. */
export function templateValues(
  context: NodeContext<CommandParams>,
): TemplateValues {
  const inputs: Record<string, string[]> = {};
  for (const [name, refs] of Object.entries(context.inputs)) {
    inputs[name] = ([] as ArtifactRef[]).concat(refs).map((ref) => ref.dir);
  }

  return {
    inputs,
    outDir: context.outDir,
    workDir: context.workDir,
    pipelineDir: context.pipelineDir,
    dataDir: context.dataDir,
  };
}

/**
 * Returns the argument vector to run: the program and its arguments, or
 * one command line in shell mode.
 */
export function commandArguments(
  params: CommandParams,
  values: TemplateValues,
): string[] {
  const cmd = checkCmd(params);
  if (typeof cmd === 'string' && params.shell) {
    return [expandShellCommand(cmd, values)];
  }

  const args = typeof cmd === 'string' ? parseCommand(cmd) : cmd;
  return expandArguments(args, values);
}

/** Resolves `cwd` against the pipeline folder; it must be a folder. */
export async function workingDirectory(
  params: CommandParams,
  pipelineDir: string,
): Promise<string> {
  const cwd = resolve(pipelineDir, params.cwd);
  const isFolder = await stat(cwd).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    throw new CommandError(
      'COMMAND_INVALID_PARAM',
      `Param \`cwd\` ${quoteForMessage(params.cwd)} names no folder ` +
        `(resolved to \`${cwd}\`). Fix: create it or correct the path, ` +
        "which is relative to the pipeline file's folder.",
    );
  }

  return cwd;
}

/**
 * Writes `values` to the params file and returns its path, or `undefined`
 * when the node has no `paramsFile`.
 */
export async function writeParamsFile(
  params: CommandParams,
  cwd: string,
): Promise<string | undefined> {
  if (params.paramsFile === '') return undefined;

  const format = paramsFileFormat(params.paramsFile);
  const file = resolve(cwd, params.paramsFile);
  const text =
    format === 'json'
      ? `${JSON.stringify(params.values, null, 2)}\n`
      : stringify(params.values);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

/**
 * Returns the store's root folder: the deepest folder holding both the
 * node's output folder and its work folder. The tree snapshot skips it,
 * because other nodes write there while the command runs.
 */
export function storeRoot(outDir: string, workDir: string): string {
  const a = resolve(outDir).split(sep);
  const b = resolve(workDir).split(sep);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) {
    common += 1;
  }

  return a.slice(0, common).join(sep) || sep;
}

/** Path of `file` relative to `cwd` with `/` separators, for snapshots. */
export function snapshotPath(cwd: string, file: string): string {
  return relative(cwd, file).split(sep).join('/');
}

/** Folder for the command's logs, kept when the command fails. */
export function logFolder(workDir: string): string {
  return join(workDir, 'command');
}
