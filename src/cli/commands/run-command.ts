/** `distillery run FILE`: plans and executes a pipeline. */
import { Command, Option } from 'commander';
import type { Logger } from '../../events/events.js';
import { createJsonLogger } from '../../events/json-logger.js';
import { createPlainLogger } from '../../events/plain-logger.js';
import { run } from '../../runner/index.js';
import { CliError, EXIT_CANCELLED } from '../cli-error.js';
import { formatMetricsTables } from '../metrics-output.js';
import {
  addPipelineOptions,
  loadRegistry,
  loadResolved,
  openStore,
  parseJobs,
  resolveDataDir,
  type PipelineOptions,
} from '../options.js';
import type { CliIo } from '../io.js';

/** Output styles of `--ui`. */
export type UiKind = 'ink' | 'plain' | 'json';

/** Backends `--backend` accepts; the engine's `BackendName` values. */
export const BACKEND_NAMES = [
  'auto',
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu',
];

interface RunCommandOptions extends PipelineOptions {
  jobs: number;
  ui?: UiKind;
  backend?: string;
}

/** Builds the `run` command. */
export function runCommand(io: CliIo): Command {
  const command = new Command('run')
    .description('run a pipeline, reusing every cached result')
    .argument('<file>', 'pipeline file (YAML)')
    .option('-j, --jobs <n>', 'nodes to run at once', parseJobs, 1)
    .addOption(
      new Option(
        '--ui <kind>',
        'output: live terminal UI, plain lines, or JSON events',
      ).choices(['ink', 'plain', 'json']),
    )
    .addOption(
      new Option(
        '--backend <name>',
        'TensorFlow.js backend for model nodes',
      ).choices(BACKEND_NAMES),
    );
  addPipelineOptions(command);
  return command.action(async (file: string, options: RunCommandOptions) => {
    io.exitCode = await runPipeline(file, options, io);
  });
}

async function runPipeline(
  file: string,
  options: RunCommandOptions,
  io: CliIo,
): Promise<number> {
  const registry = await loadRegistry(options.nodeTypes, {
    configFile: options.config,
    pipelineFile: file,
  });
  const resolved = await loadResolved(file, options, registry);
  const store = openStore(options);
  const ui = options.ui ?? (await defaultUi(io));
  const controller = new AbortController();
  const logger = await createLogger(ui, io, controller);
  const removeSignalHandlers = io.onStopSignal(() =>
    controller.abort('signal'),
  );

  let result;
  try {
    result = await run(resolved, {
      registry,
      store,
      dataDir: resolveDataDir(options),
      jobs: options.jobs,
      loggers: [logger],
      signal: controller.signal,
      overrides: options.set,
      ...(options.backend ? { backend: options.backend } : {}),
    });
  } finally {
    await logger.close();
    removeSignalHandlers();
  }

  const tables = formatMetricsTables(result.metrics);
  if (tables) (ui === 'json' ? io.stderr : io.stdout).write(`\n${tables}\n`);
  if (result.status === 'cancelled') return EXIT_CANCELLED;
  return result.status === 'succeeded' ? 0 : 1;
}

async function defaultUi(io: CliIo): Promise<UiKind> {
  if (!io.stdout.isTTY) return 'plain';
  const ui = await io.importUi();
  return typeof ui?.createInkLogger === 'function' ? 'ink' : 'plain';
}

async function createLogger(
  ui: UiKind,
  io: CliIo,
  controller: AbortController,
): Promise<Logger> {
  switch (ui) {
    case 'plain':
      return createPlainLogger({ stream: io.stdout });
    case 'json':
      return createJsonLogger({ stream: io.stdout });
    case 'ink': {
      const module = await io.importUi();
      if (typeof module?.createInkLogger !== 'function') {
        throw new CliError(
          '`--ui ink` is not available in this build: use `--ui plain`.',
        );
      }

      return module.createInkLogger({
        stdout: io.stdout as NodeJS.WriteStream,
        stdin: process.stdin,
        onCancel: () => controller.abort('user'),
        // Workers exit when the runner's channel closes, and published
        // artifacts are complete, so exiting here loses only the epochs
        // in progress.
        onForceQuit: () => {
          io.stderr.write('\nSecond Ctrl-C: exiting now.\n');
          process.exit(130);
        },
      });
    }
  }
}
