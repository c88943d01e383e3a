import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

/** The `distillery` entry point of this checkout. */
export const BIN = resolve('bin/distillery.js');

/** Module with the fake node types, for `--node-types`. */
export const FAKE_TYPES = resolve('test/fixtures/fake-node-types.ts');

/** A temporary working folder for CLI runs. */
export async function cliFolder(): Promise<{
  dir: string;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'distillery-cli-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a pipeline file and returns its path. */
export async function writePipeline(
  dir: string,
  text: string,
): Promise<string> {
  const file = join(dir, 'pipeline.yaml');
  await writeFile(file, text);
  return file;
}

/** What a finished CLI invocation returned. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Starts the CLI in `dir` and returns the running process. */
export function startDistillery(
  dir: string,
  args: string[],
  options: { detached?: boolean } = {},
) {
  return execa('node', [BIN, ...args], {
    cwd: dir,
    reject: false,
    env: { NO_COLOR: '1' },
    detached: options.detached ?? false,
  });
}

/** Runs the CLI in `dir`; never rejects, so tests check the exit code. */
export async function distillery(
  dir: string,
  args: string[],
): Promise<CliResult> {
  const result = await startDistillery(dir, args);
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
}
