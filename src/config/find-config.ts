/** Finding the project config file of a pipeline. */
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './config-error.js';

/** File names of a project config, in the order they are looked for. */
export const CONFIG_FILE_NAMES = [
  'distillery.config.ts',
  'distillery.config.mts',
  'distillery.config.js',
  'distillery.config.mjs',
] as const;

/** Places searched for the config. */
export interface FindConfigOptions {
  /** A file named explicitly (`--config`); it must exist. */
  configFile?: string;
  /** The pipeline file, whose folder is searched first. */
  pipelineFile?: string;
  /** Searched after the pipeline's folder. Default `process.cwd()`. */
  cwd?: string;
}

/**
 * Returns the absolute path of the config file, or `undefined` if there is
 * none. An explicit `configFile` wins; otherwise the first name of
 * `CONFIG_FILE_NAMES` found in the pipeline's folder, then in `cwd`. Only
 * one config is used: a config in `cwd` is ignored when the pipeline's
 * folder has one.
 */
export async function findConfigFile(
  options: FindConfigOptions,
): Promise<string | undefined> {
  if (options.configFile !== undefined) {
    const file = resolve(options.cwd ?? process.cwd(), options.configFile);
    if (await isFile(file)) return file;

    throw new ConfigError(
      'CONFIG_NOT_FOUND',
      file,
      `Config file \`${options.configFile}\` does not exist (resolved to ` +
        `\`${file}\`). Fix: correct the path given to \`--config\`.`,
    );
  }

  const folders = [
    ...(options.pipelineFile ? [dirname(resolve(options.pipelineFile))] : []),
    resolve(options.cwd ?? process.cwd()),
  ];
  for (const folder of folders) {
    for (const name of CONFIG_FILE_NAMES) {
      if (await isFile(join(folder, name))) return join(folder, name);
    }
  }

  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
