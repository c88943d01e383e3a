import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import {
  compareCommand,
  reportCommand,
} from '../src/cli/commands/report-commands.js';
import type { CliIo } from '../src/cli/io.js';
import { createSweepStore, type FixtureStore } from './report-fixtures.js';

let fixture: FixtureStore;
let outDir: string;

beforeAll(async () => {
  fixture = await createSweepStore();
  outDir = await mkdtemp(path.join(tmpdir(), 'distillery-compare-cli-'));
}, 60_000);

afterAll(async () => {
  await fixture.cleanup();
  await rm(outDir, { recursive: true, force: true });
});

function fakeIo(): { io: CliIo; output: () => string } {
  const chunks: string[] = [];
  const stream = {
    write: (chunk: string) => chunks.push(chunk) > 0,
  } as unknown as NodeJS.WritableStream;
  const io: CliIo = {
    stdout: stream,
    stderr: stream,
    exitCode: 0,
    onStopSignal: () => () => {},
    importUi: async () => undefined,
  };
  return { io, output: () => chunks.join('') };
}

async function parse(command: Command, args: string[]): Promise<void> {
  await command.exitOverride().parseAsync(args, { from: 'user' });
}

describe('compare and report commands', () => {
  it('compare prints the chosen format', async () => {
    const { io, output } = fakeIo();
    await parse(compareCommand(io), [
      fixture.pipelineFile,
      '--store',
      fixture.store,
      '--format',
      'markdown',
      '--metric',
      'refined:test.ndcg@10',
      '--baseline',
      'init=random',
    ]);
    expect(output()).toContain('| init | seeds | refined test.ndcg@10 | Δ |');
    expect(output()).toContain(
      '| embedding-head | 1,2,3 | 0.2200 ± 0.0497 | +0.1000\\* |',
    );
  });

  it('compare rejects an unknown format', async () => {
    const { io } = fakeIo();
    const error = await parse(compareCommand(io), [
      'latest',
      '--format',
      'xml',
    ]).catch((e: unknown) => e);
    expect(String(error)).toContain(
      'Allowed choices are table, csv, json, markdown',
    );
  });

  it('compare and report accept --set without --metric', async () => {
    // The fixture's runs have no overrides, so the filter matches none.
    // Before the fix, Commander's first call of the collector crashed.
    for (const command of [compareCommand, reportCommand]) {
      const { io } = fakeIo();
      const error = await parse(command(io), [
        fixture.pipelineFile,
        '--store',
        fixture.store,
        '--set',
        'vars.epochs=2',
        '--out',
        path.join(outDir, 'unused.html'),
      ].slice(0, command === compareCommand ? 5 : 7)).catch((e: unknown) => e);
      expect(String(error)).toContain('No run was made with exactly `--set vars.epochs=2`');
    }
  });

  it('compare without --metric shows the default columns', async () => {
    const { io, output } = fakeIo();
    await parse(compareCommand(io), [fixture.pipelineFile, '--store', fixture.store]);
    expect(output()).toContain('test.ndcg@10');
    expect(output()).toContain('test.hr@10');
  });

  it('report writes the file it names', async () => {
    const { io, output } = fakeIo();
    const out = path.join(outDir, 'sweep.html');
    await parse(reportCommand(io), [
      fixture.pipelineFile,
      '--store',
      fixture.store,
      '--out',
      out,
    ]);
    expect(output()).toBe(`Wrote ${out}\n`);
    expect(await readFile(out, 'utf8')).toContain('<h2>Training curves</h2>');
  });
});
