/**
 * The process-facing parts of the CLI (streams, signals, the Ink import),
 * kept apart so commands stay testable.
 */
import type { Logger } from '../events/events.js';

/** The Ink UI module's entry point, as far as the CLI uses it. */
export interface UiModule {
  createInkLogger?(options: {
    stdout: NodeJS.WriteStream;
    stdin: NodeJS.ReadStream;
    onCancel: () => void;
    onForceQuit?: () => void;
  }): Logger;
}

/** Output streams, signals and the exit code of one CLI invocation. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Exit code the process ends with; commands set it. */
  exitCode: number;
  /**
   * Calls `stop` on the first SIGINT or SIGTERM; a second one exits at
   * once. Returns a function that removes the handlers.
   */
  onStopSignal(stop: () => void): () => void;
  /** Imports the Ink UI, or returns `undefined` when it cannot load. */
  importUi(): Promise<UiModule | undefined>;
}

/** Creates the IO of the running process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    exitCode: 0,
    onStopSignal(stop) {
      let signals = 0;
      const handler = (signal: NodeJS.Signals): void => {
        signals += 1;
        if (signals > 1) {
          process.stderr.write(`\nSecond ${signal}: exiting now.\n`);
          process.exit(130);
        }

        stop();
      };
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    async importUi() {
      try {
        return (await import('../ui/index.js')) as UiModule;
      } catch {
        return undefined;
      }
    },
  };
}
