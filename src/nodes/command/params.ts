/**
 * Parameters of the `command` node type: their schema, their TypeScript
 * form and the checks the schema cannot express.
 */
import type { ParamSchema } from '../node-type.js';
import { CommandError, quoteForMessage } from './errors.js';

/** Parameters of `command`, as validated against `commandParams`. */
export interface CommandParams {
  cmd: string | string[];
  shell: boolean;
  deps: string[];
  outs: string[];
  env: Record<string, string>;
  passEnv: string[];
  cwd: string;
  paramsFile: string;
  values: Record<string, unknown>;
}

/** The parameter schema of `command`. */
export const commandParams: ParamSchema = {
  cmd: {
    type: 'json',
    description:
      'The command: one string split into arguments with shell-like ' +
      'quoting, or a list of arguments. `{inputs.NAME}`, `{outDir}`, ' +
      '`{workDir}`, `{pipelineDir}` and `{dataDir}` are filled in.',
  },
  shell: {
    type: 'boolean',
    default: false,
    description:
      'Run `cmd` through /bin/sh, for pipes and redirections. Placeholder ' +
      'values are quoted for the shell.',
  },
  deps: {
    type: 'array',
    items: { type: 'string', description: 'A file or folder.' },
    default: [],
    description:
      'Files or folders the command reads, relative to the pipeline ' +
      "file's folder or starting with `{dataDir}/`. Their content joins " +
      'the cache key; their modification times do not.',
  },
  outs: {
    type: 'array',
    items: { type: 'string', description: 'A file or folder.' },
    default: [],
    description:
      'Files or folders the command writes, relative to `cwd`. They are ' +
      'removed before it runs and copied into the artifact after.',
  },
  env: {
    type: 'object',
    additional: { type: 'string', description: 'Value of the variable.' },
    default: {},
    description:
      'Environment variables set for the command; part of the cache key.',
  },
  passEnv: {
    type: 'array',
    items: { type: 'string', description: 'A variable name.' },
    default: [],
    description:
      "Names of the caller's environment variables the command inherits. " +
      'Their values join the cache key.',
  },
  cwd: {
    type: 'string',
    default: '.',
    description:
      "Working directory, relative to the pipeline file's folder. " +
      'Default: that folder.',
  },
  paramsFile: {
    type: 'string',
    default: '',
    description:
      'File, relative to `cwd`, that receives `values` before the command ' +
      'starts: JSON for `.json`, YAML for `.yaml` or `.yml`. Default: none.',
  },
  values: {
    type: 'object',
    additional: { type: 'json', description: 'Any JSON value.' },
    default: {},
    description:
      'Values written to `paramsFile` for the command to read; part of ' +
      'the cache key.',
  },
};

/** Returns `cmd` as a string or a list of strings, or throws. */
export function checkCmd(params: CommandParams): string | string[] {
  const { cmd } = params;
  if (typeof cmd === 'string') return cmd;

  const isList =
    Array.isArray(cmd) &&
    cmd.length > 0 &&
    cmd.every((item) => typeof item === 'string');
  if (!isList) {
    throw new CommandError(
      'COMMAND_INVALID_PARAM',
      `Param \`cmd\` must be a string or a non-empty list of strings; ` +
        `received ${quoteForMessage(JSON.stringify(cmd) ?? 'nothing')}. ` +
        'Fix: write for example `cmd: node scripts/run.mjs`.',
    );
  }

  if (params.shell) {
    throw new CommandError(
      'COMMAND_INVALID_PARAM',
      'Param `cmd` is a list, but `shell: true` runs one command line. ' +
        'Fix: write `cmd` as one string, or remove `shell`.',
    );
  }

  return cmd;
}

/** Returns the format of the params file from its extension, or throws. */
export function paramsFileFormat(file: string): 'json' | 'yaml' {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.ya?ml$/i.test(file)) return 'yaml';

  throw new CommandError(
    'COMMAND_INVALID_PARAM',
    `Param \`paramsFile\` ${quoteForMessage(file)} has an unknown ` +
      'extension: it must end in `.json`, `.yaml` or `.yml`.',
  );
}
