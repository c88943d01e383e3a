/**
 * Drives the real `distillery run` in a real terminal (tmux): the live UI
 * must draw the final summary, and `q` must stop a training run cleanly.
 * Each run starts its own tmux server on a socket in the test's folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);
const TMUX_MISSING = spawnSync('tmux', ['-V']).error !== undefined;
const PANE_COLUMNS = 100;
const PANE_ROWS = 40;
/** Polling interval of `capture-pane` while waiting for text. */
const POLL_MS = 250;
/** Exit code of a cancelled run, as the CLI defines it. */
const EXIT_CANCELLED = 130;

/**
 * Builds the environment of the tmux server without the variables that
 * make Ink believe it runs in CI, where it draws only the last frame.
 */
function terminalEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
  for (const name of Object.keys(env)) {
    if (
      name === 'CI' ||
      name === 'CONTINUOUS_INTEGRATION' ||
      name.startsWith('CI_')
    ) {
      delete env[name];
    }
  }

  return env;
}

/**
 * One tmux server and its single pane, running one shell command. The
 * server's socket is a file in `socketDir`, so removing that folder
 * removes every trace of the server.
 */
class TmuxPane {
  private static created = 0;
  private readonly socket: string;

  constructor(command: string, socketDir: string) {
    this.socket = path.join(socketDir, `tmux-${TmuxPane.created++}.sock`);
    this.tmux(
      'new-session',
      '-d',
      '-x',
      String(PANE_COLUMNS),
      '-y',
      String(PANE_ROWS),
      '-c',
      REPO_ROOT,
      command,
    );
  }

  /** Returns the visible text of the pane. */
  capture(): string {
    return this.tmux('capture-pane', '-p');
  }

  /** Types keys into the pane, as `tmux send-keys` names them. */
  sendKeys(...keys: string[]): void {
    this.tmux('send-keys', ...keys);
  }

  /** Waits until the pane shows `pattern`; returns the pane's text. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = this.capture();
    while (!pattern.test(text)) {
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for ${pattern} in the ` +
            `tmux pane, which shows:\n${text}`,
        );
      }

      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      text = this.capture();
    }

    return text;
  }

  /** Stops the tmux server and everything in it. */
  kill(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
  }

  private tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-S', this.socket, ...args], {
      encoding: 'utf8',
      env: terminalEnv(),
    });
    if (result.status !== 0) {
      throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    }

    return result.stdout;
  }
}

/** Writes a user-item event file: `users` users of `length` items each. */
async function writeEvents(dir: string, users: number, length: number) {
  const lines: string[] = [];
  for (let user = 0; user < users; user += 1) {
    for (let step = 0; step < length; step += 1) {
      // A different walk through 40 items per user, so items repeat
      // across users and the model has something to learn.
      lines.push(`u${user} i${(user * 7 + step * 3) % 40}`);
    }
  }

  await writeFile(path.join(dir, 'events.txt'), lines.join('\n') + '\n');
}

const LOAD_PARAMS =
  '{ dataset: file, path: events.txt, format: user-item, ' +
  'minUserInteractions: 3 }';

/** Two independent fast nodes. */
const FAST_PIPELINE = `name: ui-tmux-fast
nodes:
  data:
    type: load-data
    params: ${LOAD_PARAMS}
  data-long-users:
    type: load-data
    params: { dataset: file, path: events.txt, format: user-item, minUserInteractions: 8 }
`;

/** A student trained for far longer than the test waits. */
const SLOW_PIPELINE = `name: ui-tmux-slow
nodes:
  data:
    type: load-data
    params: ${LOAD_PARAMS}
  student:
    type: pretrain-student
    params:
      epochs: 500
      patience: 0
      hiddenSize: 8
      maxLength: 10
      batchSize: 4
    inputs: { dataset: data }
`;

/** Builds the shell command that runs the CLI and prints its exit code. */
function runCommand(pipelineFile: string, storeDir: string): string {
  return (
    `node bin/distillery.js run '${pipelineFile}' --store '${storeDir}'; ` +
    `echo "EXIT=$?"; sleep 600`
  );
}

const panes: TmuxPane[] = [];
const scratchDirs: string[] = [];

afterEach(async () => {
  for (const pane of panes.splice(0)) {
    pane.kill();
  }
  for (const dir of scratchDirs.splice(0)) {
    await rm(dir, { recursive: true, force: true });
  }
});

async function scratchWith(pipeline: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'distillery-ui-tmux-'));
  scratchDirs.push(dir);
  await writeEvents(dir, 30, 12);
  await writeFile(path.join(dir, 'pipeline.yaml'), pipeline);
  return dir;
}

function startRun(dir: string): TmuxPane {
  const pane = new TmuxPane(
    runCommand(path.join(dir, 'pipeline.yaml'), path.join(dir, 'store')),
    dir,
  );
  panes.push(pane);
  return pane;
}

describe.skipIf(TMUX_MISSING)(
  TMUX_MISSING
    ? 'live UI in tmux (skipped: tmux is not installed)'
    : 'live UI in tmux',
  () => {
    it('shows the summary, then cached nodes on a rerun', async () => {
      const dir = await scratchWith(FAST_PIPELINE);

      const first = await startRun(dir).waitFor(/EXIT=\d+/, 90_000);
      expect(first).toContain('EXIT=0');
      expect(first).toContain('distillery · ui-tmux-fast · run ');
      expect(first).toMatch(/✓ data +done/);
      expect(first).toMatch(/Run succeeded in \d/);
      expect(first).toContain('ran:       data, data-long-users');

      const second = await startRun(dir).waitFor(/EXIT=\d+/, 90_000);
      expect(second).toContain('EXIT=0');
      expect(second).toMatch(/≡ data +cached/);
      expect(second).toContain('cached:    data, data-long-users');
      for (const line of second.split('\n')) {
        expect([...line].length).toBeLessThanOrEqual(PANE_COLUMNS);
      }
    });

    it('stops a training run when q is pressed', async () => {
      const dir = await scratchWith(SLOW_PIPELINE);
      const pane = startRun(dir);

      const training = await pane.waitFor(/epoch \d+\/500/, 120_000);
      expect(training).toMatch(/▶ +student +running/);
      expect(training).toContain('q or Ctrl-C stop');
      if (process.env.DISTILLERY_UI_SCREEN) {
        await writeFile(process.env.DISTILLERY_UI_SCREEN, training);
      }

      pane.sendKeys('q');
      const stopping = await pane.waitFor(/■ Stop/, 10_000);
      expect(stopping).toMatch(/■ Stopp(ing|ed): stop requested with q/);

      const ended = await pane.waitFor(/EXIT=\d+/, 60_000);
      expect(ended).toContain(`EXIT=${EXIT_CANCELLED}`);
      expect(ended).toContain('■ Stopped: stop requested with q or Ctrl-C.');
      expect(ended).toMatch(/Run cancelled in \d/);
      expect(ended).toMatch(/⊘ +student +cancelled/);
    });
  },
);
