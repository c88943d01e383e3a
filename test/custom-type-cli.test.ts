import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliFolder, distillery } from './cli-helpers.js';
import {
  CONFIG_SOURCE,
  HELPER_SOURCE,
  PIPELINE,
  TYPE_SOURCE,
} from './custom-type-project.js';

let folder: Awaited<ReturnType<typeof cliFolder>>;

beforeEach(async () => {
  folder = await cliFolder();
  await mkdir(join(folder.dir, 'project/types'), { recursive: true });
  const write = (path: string, text: string) =>
    writeFile(join(folder.dir, 'project', path), text);
  await write('types/count-lines.ts', HELPER_SOURCE);
  await write('types/line-count.ts', TYPE_SOURCE);
  await write('pipeline.yaml', PIPELINE);
  // tsx loads `.ts` files as ES modules only under a `"type": "module"`
  // package, as in a real project.
  await write('package.json', '{ "type": "module" }\n');
});

afterEach(async () => {
  await folder.cleanup();
});

function runArgs(...extra: string[]): string[] {
  return ['run', 'project/pipeline.yaml', '--ui', 'plain', ...extra];
}

describe('custom node types on the command line', () => {
  it('finds the config beside the pipeline', async () => {
    await writeFile(
      join(folder.dir, 'project/distillery.config.ts'),
      CONFIG_SOURCE,
    );
    const first = await distillery(folder.dir, runArgs());
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);

    const second = await distillery(folder.dir, [
      'plan',
      'project/pipeline.yaml',
      '--json',
    ]);
    expect(second.exitCode).toBe(0);
    const planned = JSON.parse(second.stdout);
    const nodes = Array.isArray(planned) ? planned : planned.nodes;
    expect(nodes.map((node: { status: string }) => node.status)).toEqual([
      'cached',
      'cached',
    ]);
  });

  it('loads a config named with --config', async () => {
    await writeFile(
      join(folder.dir, 'project/types.config.ts'),
      CONFIG_SOURCE,
    );
    const unknown = await distillery(folder.dir, runArgs());
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('line-count');

    const result = await distillery(
      folder.dir,
      runArgs('--config', 'project/types.config.ts'),
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('reports a missing --config file', async () => {
    const result = await distillery(
      folder.dir,
      runArgs('--config', 'missing.config.ts'),
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'error: Config file `missing.config.ts` does not exist',
    );
  });
});
