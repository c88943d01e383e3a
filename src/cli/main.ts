/**
 * The `distillery` command: `bin/distillery.js` calls `main` with the
 * process's arguments and exits with the code it returns.
 */
import { Command, CommanderError } from 'commander';
import { reportError } from './cli-error.js';
import { processIo, type CliIo } from './io.js';
import { doctorCommand, typesCommand } from './commands/info-commands.js';
import { planCommand } from './commands/plan-command.js';
import { runCommand } from './commands/run-command.js';
import { runsCommand, showCommand } from './commands/runs-command.js';
import { compareCommand, reportCommand } from './commands/report-commands.js';
import { gcCommand, verifyCommand } from './commands/store-commands.js';
import { colorAllowed } from '../events/format.js';

/** Builds the program with every command, writing through `io`. */
export function createProgram(io: CliIo): Command {
  const program = new Command('distillery')
    .description('Declarative ML pipelines with content-hashed caching')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  for (const command of [
    runCommand(io),
    planCommand(io),
    runsCommand(io),
    showCommand(io),
    compareCommand(io),
    reportCommand(io),
    verifyCommand(io),
    gcCommand(io),
    typesCommand(io),
    doctorCommand(io),
  ]) {
    program.addCommand(command.exitOverride());
  }

  return program;
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit
 * code.
 */
export async function main(
  argv: string[],
  io: CliIo = processIo(),
): Promise<number> {
  try {
    await createProgram(io).parseAsync(argv, { from: 'user' });
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    return reportError(error, {
      write: (text) => io.stderr.write(text),
      color: colorAllowed(io.stderr),
    });
  }
}
