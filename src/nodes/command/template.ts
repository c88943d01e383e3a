/**
 * Placeholders in a command: `{inputs.NAME}` (the folder of an input's
 * artifact), `{outDir}`, `{workDir}`, `{pipelineDir}` and `{dataDir}`.
 * They are filled in at run time, after the cache key is computed from the
 * command as written, so the store's location never reaches the key.
 */
import { delimiter, resolve } from 'node:path';
import { CommandError } from './errors.js';

/** Values of the placeholders of one execution. */
export interface TemplateValues {
  /** Artifact folders by input name; one entry per node of a list input. */
  inputs: Record<string, string[]>;
  outDir: string;
  workDir: string;
  pipelineDir: string;
  dataDir: string;
}

const PLACEHOLDER =
  /\{(inputs\.([A-Za-z0-9_-]+)|outDir|workDir|pipelineDir|dataDir)\}/g;

/**
 * Fills the placeholders of each argument. An argument that is exactly
 * `{inputs.NAME}` of a list input becomes one argument per artifact;
 * inside a longer argument the folders are joined with the platform's
 * path delimiter (`:` on POSIX).
 */
export function expandArguments(
  args: readonly string[],
  values: TemplateValues,
): string[] {
  return args.flatMap((arg) => {
    const whole = /^\{inputs\.([A-Za-z0-9_-]+)\}$/.exec(arg);
    if (whole) return lookupInput(whole[1], values);

    return [replacePlaceholders(arg, values, (paths) => paths.join(delimiter))];
  });
}

/**
 * Fills the placeholders of a shell command line, quoting each value for
 * a POSIX shell; a list input becomes several quoted words.
 */
export function expandShellCommand(
  command: string,
  values: TemplateValues,
): string {
  return replacePlaceholders(command, values, (paths) =>
    paths.map(quoteForShell).join(' '),
  );
}

/**
 * Resolves a dep to an absolute path. A leading `{dataDir}` or
 * `{pipelineDir}` names that folder; other paths are relative to the
 * pipeline's folder.
 */
export function resolveDependency(
  dep: string,
  paths: { dataDir: string; pipelineDir: string },
): string {
  const match = /^\{(dataDir|pipelineDir)\}[\\/]?/.exec(dep);
  if (match === null) return resolve(paths.pipelineDir, dep);

  const base = match[1] === 'dataDir' ? paths.dataDir : paths.pipelineDir;
  return resolve(base, dep.slice(match[0].length));
}

/** Quotes `value` as one word for a POSIX shell. */
export function quoteForShell(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function replacePlaceholders(
  text: string,
  values: TemplateValues,
  render: (paths: string[]) => string,
): string {
  return text.replaceAll(
    PLACEHOLDER,
    (_match, name: string, input?: string) => {
      if (input !== undefined) return render(lookupInput(input, values));

      const folder = name as Exclude<keyof TemplateValues, 'inputs'>;
      return render([values[folder]]);
    },
  );
}

function lookupInput(name: string, values: TemplateValues): string[] {
  const paths = values.inputs[name];
  if (paths !== undefined) return paths;

  const known = Object.keys(values.inputs);
  throw new CommandError(
    'COMMAND_INVALID_PARAM',
    `Param \`cmd\` uses \`{inputs.${name}}\`, but the node has no input ` +
      `\`${name}\` (its inputs: ${
        known.length > 0 ? known.map((key) => `\`${key}\``).join(', ') : 'none'
      }). Fix: add the input under \`inputs\` or correct the name.`,
  );
}
