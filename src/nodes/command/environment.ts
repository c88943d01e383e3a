/**
 * The environment a command runs with. It does not inherit the caller's
 * whole environment: only a few variables that programs need to start at
 * all, the variables named in `passEnv` (whose values join the cache key),
 * the `env` map (part of the params, so of the key) and the variables that
 * locate its inputs and its output folder.
 */
import { delimiter } from 'node:path';
import { CommandError } from './errors.js';
import type { TemplateValues } from './template.js';

/**
 * Variables passed from the caller without joining the cache key: a
 * program cannot start without PATH, and the rest locate the user's home,
 * temporary folder and locale. Note: a different PATH can select another
 * interpreter without changing any key; pin the program by an absolute
 * path where that matters.
 */
export const BASE_VARIABLES = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'TMPDIR',
  'TEMP',
  'TMP',
  'LANG',
  'LC_ALL',
  'SYSTEMROOT',
  'COMSPEC',
  'PATHEXT',
] as const;

/** Prefix of the variables naming input artifact folders. */
export const INPUT_VARIABLE_PREFIX = 'DISTILLERY_INPUT_';

/** The environment variable of input `name`: upper case, `-` as `_`. */
export function inputVariableName(name: string): string {
  return INPUT_VARIABLE_PREFIX + name.toUpperCase().replaceAll('-', '_');
}

/** Builds the environment of one execution. */
export function commandEnvironment(
  params: { env: Record<string, string>; passEnv: string[] },
  values: TemplateValues,
  caller: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  rejectReservedNames(params.env);
  const env: Record<string, string> = {};
  for (const name of [...BASE_VARIABLES, ...params.passEnv]) {
    const value = caller[name];
    if (value !== undefined) env[name] = value;
  }

  Object.assign(env, params.env);
  for (const [name, paths] of Object.entries(values.inputs)) {
    env[inputVariableName(name)] = paths.join(delimiter);
  }

  env.DISTILLERY_OUT_DIR = values.outDir;
  env.DISTILLERY_WORK_DIR = values.workDir;
  env.DISTILLERY_PIPELINE_DIR = values.pipelineDir;
  env.DISTILLERY_DATA_DIR = values.dataDir;
  return env;
}

function rejectReservedNames(env: Record<string, string>): void {
  const reserved = Object.keys(env).filter((name) =>
    name.startsWith('DISTILLERY_'),
  );
  if (reserved.length === 0) return;

  throw new CommandError(
    'COMMAND_INVALID_PARAM',
    `Param \`env\` sets \`${reserved[0]}\`, but names starting with ` +
      '`DISTILLERY_` are set by the node itself. Fix: rename the variable.',
  );
}
