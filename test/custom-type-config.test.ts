import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  findConfigFile,
  loadProjectRegistry,
} from '../src/config/index.js';
import { clearFingerprintCache } from '../src/hashing/index.js';
import { CommandProject, statuses } from './command-project.js';
import {
  CONFIG_SOURCE,
  HELPER_SOURCE,
  PIPELINE,
  TYPE_SOURCE,
} from './custom-type-project.js';

let project: CommandProject;

beforeEach(async () => {
  project = await CommandProject.create();
  await project.write('types/count-lines.ts', HELPER_SOURCE);
  await project.write('types/line-count.ts', TYPE_SOURCE);
  await project.write('distillery.config.ts', CONFIG_SOURCE);
});

afterEach(async () => {
  await project.cleanup();
});

/** Loads the registry from the project's config and runs the pipeline. */
async function runWithConfig() {
  const pipelineFile = join(project.pipelineDir, 'pipeline.yaml');
  const { registry, config } = await loadProjectRegistry({ pipelineFile });
  const withTypes = await CommandProject.reopen(project, registry);
  return { config, result: await withTypes.run(PIPELINE) };
}

async function expectConfigError(code: string, part: string) {
  const error = await loadProjectRegistry({
    pipelineFile: join(project.pipelineDir, 'pipeline.yaml'),
  }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).code).toBe(code);
  expect((error as ConfigError).message).toContain(part);
  expect((error as ConfigError).file).toBe(
    join(project.pipelineDir, 'distillery.config.ts'),
  );
}

describe('custom node types from a config', () => {
  it('runs a config type, then finds it cached', async () => {
    const first = await runWithConfig();
    expect(first.config?.file).toBe(
      join(project.pipelineDir, 'distillery.config.ts'),
    );
    expect(first.config?.nodeTypes.map((type) => type.name)).toEqual([
      'line-count',
    ]);
    expect(statuses(first.result)).toEqual({ make: 'ran', count: 'ran' });
    expect(first.result.record.nodes.count.metrics).toEqual({ total: 3 });
    const key = first.result.record.nodes.count.key;
    const counts = join(project.root, 'artifacts/objects', key, 'counts.json');
    expect(JSON.parse(await readFile(counts, 'utf8'))).toEqual({ 'a.txt': 3 });

    const second = await runWithConfig();
    expect(statuses(second.result)).toEqual({ make: 'cached', count: 'cached' });
    expect(second.result.record.nodes.count.key).toBe(key);
  });

  it('re-runs a config type when its helper changes', async () => {
    const first = await runWithConfig();
    await project.write(
      'types/count-lines.ts',
      HELPER_SOURCE.replace("line !== ''", "line.trim() !== ''"),
    );
    // Fingerprints are memoised per process; a CLI run starts fresh.
    clearFingerprintCache();
    const second = await runWithConfig();
    expect(statuses(second.result)).toEqual({ make: 'cached', count: 'ran' });
    expect(second.result.record.nodes.count.key).not.toBe(
      first.result.record.nodes.count.key,
    );
  });

  it('prefers the pipeline folder over the cwd', async () => {
    await mkdir(join(project.root, 'elsewhere'));
    await writeFile(join(project.root, 'elsewhere/distillery.config.js'), '');
    const found = await findConfigFile({
      pipelineFile: join(project.pipelineDir, 'pipeline.yaml'),
      cwd: join(project.root, 'elsewhere'),
    });
    expect(found).toBe(join(project.pipelineDir, 'distillery.config.ts'));

    const fromCwd = await findConfigFile({ cwd: join(project.root, 'elsewhere') });
    expect(fromCwd).toBe(join(project.root, 'elsewhere/distillery.config.js'));
    expect(await findConfigFile({ cwd: project.root })).toBeUndefined();
  });

  it('rejects a missing --config file', async () => {
    const error = await findConfigFile({
      configFile: 'nope.config.ts',
      cwd: project.root,
    }).catch((caught: unknown) => caught);
    expect((error as ConfigError).code).toBe('CONFIG_NOT_FOUND');
    expect((error as ConfigError).message).toContain('`nope.config.ts`');
  });

  it('rejects a default export that is not a config', async () => {
    await project.write('distillery.config.ts', 'export default [1];');
    await expectConfigError('CONFIG_INVALID', 'received a list');
  });

  it('rejects a type without run', async () => {
    await project.write(
      'distillery.config.ts',
      CONFIG_SOURCE.replace(
        '[lineCount]',
        '[{ ...lineCount, run: undefined }]',
      ),
    );
    await expectConfigError(
      'CONFIG_NODE_TYPE_INVALID',
      'node type `line-count` needs `run` of type function; received nothing',
    );
  });

  it('rejects a type its module does not export', async () => {
    await project.write(
      'distillery.config.ts',
      CONFIG_SOURCE.replace('[lineCount]', "[{ ...lineCount, name: 'renamed' }]"),
    );
    await expectConfigError(
      'CONFIG_NODE_TYPE_NOT_EXPORTED',
      'Node type `renamed`',
    );
  });

  it('rejects a name a built-in has', async () => {
    await project.write(
      'types/line-count.ts',
      `${TYPE_SOURCE}\nexport const clash = { ...lineCount, name: 'command' };`,
    );
    await project.write(
      'distillery.config.ts',
      CONFIG_SOURCE.replace('lineCount }', 'lineCount, clash }').replace(
        '[lineCount]',
        '[lineCount, clash]',
      ),
    );
    await expectConfigError(
      'CONFIG_NODE_TYPE_DUPLICATE',
      'Node type `command`',
    );
  });
});
