/**
 * The `command` node type: runs a program or shell command line, like a
 * DVC stage. Its `deps` join the cache key by content, its `outs` become
 * its artifact, and its stdout, stderr and exit status are kept with it.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  defineNodeType,
  type NodeContext,
  type NodeResult,
} from '../node-type.js';
import { commandEnvironment } from '../command/environment.js';
import { CommandError, quoteForMessage } from '../command/errors.js';
import {
  commandArguments,
  logFolder,
  snapshotPath,
  storeRoot,
  templateValues,
  workingDirectory,
  writeParamsFile,
} from '../command/execution.js';
import {
  checkOuts,
  collectOuts,
  COMMAND_LOG_FILES,
  removeOuts,
} from '../command/outs.js';
import { commandParams, type CommandParams } from '../command/params.js';
import { runProcess, type ProcessEnd } from '../command/run-process.js';
import { quoteForShell, resolveDependency } from '../command/template.js';
import {
  changesOutside,
  MAX_SNAPSHOT_ENTRIES,
  takeSnapshot,
  type TreeChange,
} from '../command/snapshot.js';

/** Maximum changes outside the outs named in the warning. */
const MAX_LISTED_CHANGES = 10;

/** The `command` node type. */
export const commandNodeType = defineNodeType<CommandParams>({
  name: 'command',
  version: '1',
  description:
    'Runs a program or shell command; its deps join the cache key by ' +
    'content and its outs become the artifact.',
  module: import.meta.url,
  output: 'files',
  inputs: {
    '*': {
      kind: '*',
      description:
        'Any input name and any artifact kind: the artifact folders are ' +
        'passed as DISTILLERY_INPUT_<NAME> and `{inputs.NAME}`.',
      multiple: true,
      optional: true,
    },
  },
  params: commandParams,
  fileDependencies: (params, paths) =>
    params.deps.map((dep) => resolveDependency(dep, paths)),
  environment: (params) => params.passEnv,
  run: runCommand,
});

/** Everything one execution needs, prepared before the process starts. */
interface Prepared {
  argv: string[];
  shell: boolean;
  cwd: string;
  outs: string[];
  env: Record<string, string>;
  logDir: string;
  /** Snapshot paths the node itself writes, not reported as changes. */
  ownFiles: string[];
}

async function runCommand(
  context: NodeContext<CommandParams>,
): Promise<NodeResult> {
  const prepared = await prepare(context);
  const { emit } = context;
  const skip = [storeRoot(context.outDir, context.workDir)];
  const before = await takeSnapshot(prepared.cwd, skip);
  if (before === undefined) {
    emit({
      kind: 'log',
      level: 'debug',
      message:
        `Writes outside the outs are not checked: \`${prepared.cwd}\` has ` +
        `more than ${MAX_SNAPSHOT_ENTRIES} entries.`,
    });
  }

  emit({ kind: 'progress', phase: 'running' });
  const message = `$ ${displayCommand(prepared)}`;
  emit({ kind: 'log', level: 'info', message });
  const end = await runProcess({
    argv: prepared.argv,
    shell: context.params.shell,
    cwd: prepared.cwd,
    env: prepared.env,
    stdoutFile: join(prepared.logDir, 'stdout.log'),
    stderrFile: join(prepared.logDir, 'stderr.log'),
    signal: context.signal,
    emit,
  });

  const changes = await detectChanges(prepared, before, skip);
  await writeExitFile(context, prepared, end, changes);
  warnAboutChanges(context, changes);
  checkEnd(context, prepared, end);

  await collectOuts(prepared.cwd, prepared.outs, context.outDir);
  for (const file of COMMAND_LOG_FILES) {
    await copyFile(join(prepared.logDir, file), join(context.outDir, file));
  }

  return {
    summary: {
      exitCode: 0,
      durationMs: end.durationMs,
      outs: prepared.outs,
      undeclaredChanges: changes.length,
    },
  };
}

async function prepare(context: NodeContext<CommandParams>): Promise<Prepared> {
  const { params } = context;
  const values = templateValues(context);
  const argv = commandArguments(params, values);
  const outs = checkOuts(params.outs);
  const cwd = await workingDirectory(params, context.pipelineDir);
  const env = commandEnvironment(params, values);
  const logDir = logFolder(context.workDir);
  await mkdir(logDir, { recursive: true });

  await removeOuts(cwd, outs);
  const paramsFile = await writeParamsFile(params, cwd);
  if (paramsFile !== undefined) env.DISTILLERY_PARAMS_FILE = paramsFile;

  const ownFiles =
    paramsFile === undefined ? [] : [snapshotPath(cwd, paramsFile)];
  const { shell } = params;
  return { argv, shell, cwd, outs, env, logDir, ownFiles };
}

async function detectChanges(
  prepared: Prepared,
  before: Map<string, string> | undefined,
  skip: string[],
): Promise<TreeChange[]> {
  if (before === undefined) return [];

  const after = await takeSnapshot(prepared.cwd, skip);
  if (after === undefined) return [];

  const allowed = [
    ...prepared.outs.map((out) => out.split('\\').join('/')),
    ...prepared.ownFiles,
  ];
  return changesOutside(before, after, allowed);
}

async function writeExitFile(
  context: NodeContext<CommandParams>,
  prepared: Prepared,
  end: ProcessEnd,
  changes: TreeChange[],
): Promise<void> {
  const exit = {
    argv: prepared.argv,
    shell: context.params.shell,
    cwd: prepared.cwd,
    end: end.kind,
    exitCode: end.kind === 'exited' ? end.exitCode : null,
    signal: end.kind === 'killed' ? end.signal : null,
    durationMs: end.durationMs,
    outs: prepared.outs,
    undeclaredChanges: changes,
  };
  await writeFile(
    join(prepared.logDir, 'exit.json'),
    `${JSON.stringify(exit, null, 2)}\n`,
  );
}

function warnAboutChanges(
  context: NodeContext<CommandParams>,
  changes: TreeChange[],
): void {
  if (changes.length === 0) return;

  const listed = changes
    .slice(0, MAX_LISTED_CHANGES)
    .map(({ path, change }) => `${path} (${change})`)
    .join(', ');
  const more =
    changes.length > MAX_LISTED_CHANGES
      ? ` and ${changes.length - MAX_LISTED_CHANGES} more (see exit.json)`
      : '';
  context.emit({
    kind: 'log',
    level: 'warn',
    message:
      `The command changed ${changes.length} path(s) outside its outs: ` +
      `${listed}${more}. Declare them in \`outs\`, or they are not part ` +
      'of the artifact and a cached run will not recreate them.',
  });
}

/** Throws for every end but a zero exit code. */
function checkEnd(
  context: NodeContext<CommandParams>,
  prepared: Prepared,
  end: ProcessEnd,
): void {
  const command = quoteForMessage(displayCommand(prepared));
  const logs = `Full output: ${prepared.logDir}.`;
  switch (end.kind) {
    case 'exited':
      if (end.exitCode === 0) return;
      throw new CommandError(
        'COMMAND_FAILED',
        `Command ${command} exited with code ${end.exitCode}.` +
          `${stderrText(end.stderrTail)}\n${logs}`,
      );
    case 'killed':
      throw new CommandError(
        'COMMAND_KILLED',
        `Command ${command} was killed by ${end.signal}.` +
          `${stderrText(end.stderrTail)}\n${logs}`,
      );
    case 'not-started':
      throw new CommandError(
        'COMMAND_NOT_STARTED',
        `Command ${command} could not start: ${end.message}. Fix: check ` +
          'the program name, PATH, and `cwd`.',
      );
    case 'cancelled':
      throw context.signal.reason ?? new Error('The run was cancelled.');
  }
}

/** Formats the command as a shell would read it, for logs and messages. */
function displayCommand(prepared: Prepared): string {
  if (prepared.shell) return prepared.argv[0];

  return prepared.argv
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : quoteForShell(arg)))
    .join(' ');
}

function stderrText(tail: string[]): string {
  if (tail.length === 0) return ' It wrote nothing to stderr.';

  const lines = tail.map((line) => `  ${line}`).join('\n');
  return `\nLast lines of stderr:\n${lines}`;
}
