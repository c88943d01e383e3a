import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CommandError,
  ConfigError,
  createRegistry,
  defineConfig,
  defineNodeType,
  loadPipeline,
  loadProjectRegistry,
  PipelineError,
  plan,
  resolvePipeline,
  run,
  Store,
  type Diagnostic,
  type EventOf,
  type PipelineSpec,
  type RunEvent,
  type RunResult,
} from 'distillery';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'distillery-api-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function pipelineFile(text: string): Promise<string> {
  const file = join(dir, 'pipeline.yaml');
  await writeFile(file, text);
  return file;
}

describe('distillery package exports', () => {
  it('exports the functions and error classes', () => {
    for (const value of [loadPipeline, resolvePipeline, plan, run]) {
      expect(typeof value).toBe('function');
    }
    expect(new CommandError('COMMAND_FAILED', 'x').code).toBe('COMMAND_FAILED');
    expect(new ConfigError('CONFIG_INVALID', '/c.ts', 'x').file).toBe('/c.ts');
    const config = defineConfig({ nodeTypes: [] });
    expect(config).toEqual({ nodeTypes: [] });
  });

  it('locates every problem of an invalid file', async () => {
    const file = await pipelineFile(`name: bad
nodes:
  a:
    type: command
    params: { cmd: node -e 0, shel: true }
  b:
    type: no-such-type
`);
    const registry = createRegistry();
    const error = await loadPipeline(file, { registry }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PipelineError);
    const diagnostics: Diagnostic[] = (error as PipelineError).diagnostics;
    const found = diagnostics.map(({ reason, location }) => ({
      reason,
      file: location.file,
      line: location.line,
      column: location.column,
    }));
    expect(found).toEqual([
      { reason: 'unknown-param', file, line: 5, column: 31 },
      { reason: 'unknown-node-type', file, line: 7, column: 11 },
    ]);
    expect((error as PipelineError).code).toBe('PIPELINE_INVALID');
  });

  it('runs a custom type with typed events', async () => {
    const file = await pipelineFile(`name: ok
nodes:
  make:
    type: command
    params: { cmd: node -e "console.log('made')" }
`);
    const { registry, config } = await loadProjectRegistry({
      pipelineFile: file,
      cwd: dir,
    });
    expect(config).toBeUndefined();
    const spec: PipelineSpec = await loadPipeline(file, { registry });
    expect(spec.nodes.map((node) => [node.name, node.type])).toEqual([
      ['make', 'command'],
    ]);

    const events: RunEvent[] = [];
    const store = new Store(join(dir, 'artifacts'));
    const result: RunResult = await run(resolvePipeline(spec, { registry }), {
      registry,
      store,
      dataDir: dir,
      onEvent: (event) => events.push(event),
    });
    expect(result.status).toBe('succeeded');
    const logs = events.filter(
      (event): event is EventOf<'log'> => event.kind === 'log',
    );
    expect(logs.map((event) => event.message)).toContain('made');
  });

  it('declares node types with the built-in helper', () => {
    const type = defineNodeType<{ n: number }>({
      name: 'noop',
      version: '1',
      description: 'Does nothing.',
      module: import.meta.url,
      output: 'nothing',
      inputs: {},
      params: { n: { type: 'integer', default: 1, description: 'A number.' } },
      run: async (context) => ({ metrics: { n: context.params.n } }),
    });
    expect(createRegistry([type]).get('noop')).toBe(type);
  });
});
