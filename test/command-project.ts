/**
 * A temporary project for `command` node tests: a pipeline folder with
 * scripts and data files, a store and a data folder, driven through the
 * public API as a user would.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  createRegistry,
  loadPipeline,
  resolvePipeline,
  run,
  Store,
  type NodeTypeRegistry,
  type RunEvent,
  type RunResult,
} from '../src/index.js';

/** A temporary project folder. */
export class CommandProject {
  readonly events: RunEvent[] = [];

  private constructor(
    readonly root: string,
    readonly registry: NodeTypeRegistry,
  ) {}

  /** Creates the folders; `registry` defaults to the built-ins. */
  static async create(registry = createRegistry()): Promise<CommandProject> {
    const root = await mkdtemp(join(tmpdir(), 'distillery-command-'));
    await mkdir(join(root, 'pipeline'));
    await mkdir(join(root, 'data'));
    return new CommandProject(root, registry);
  }

  /** Returns a project on the same folders with another registry. */
  static async reopen(
    project: CommandProject,
    registry: NodeTypeRegistry,
  ): Promise<CommandProject> {
    return new CommandProject(project.root, registry);
  }

  /** Folder of the pipeline file; relative paths in tests start here. */
  get pipelineDir(): string {
    return join(this.root, 'pipeline');
  }

  get store(): Store {
    return new Store(join(this.root, 'artifacts'));
  }

  /** Writes a file under the pipeline folder, creating folders. */
  async write(path: string, content: string): Promise<string> {
    const file = join(this.pipelineDir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    return file;
  }

  read(path: string): Promise<string> {
    return readFile(join(this.pipelineDir, path), 'utf8');
  }

  /** Writes `pipeline.yaml` and runs it through the public API. */
  async run(yaml: string): Promise<RunResult> {
    const file = await this.write('pipeline.yaml', yaml);
    const spec = await loadPipeline(file, { registry: this.registry });
    const resolved = resolvePipeline(spec, { registry: this.registry });
    this.events.length = 0;
    return run(resolved, {
      registry: this.registry,
      store: this.store,
      dataDir: join(this.root, 'data'),
      onEvent: (event) => this.events.push(event),
    });
  }

  /** Messages of the log events of node `id` in the latest run. */
  logs(id: string, level?: string): string[] {
    return this.events.flatMap((event) =>
      event.kind === 'log' &&
      event.nodeId === id &&
      (level === undefined || event.level === level)
        ? [event.message]
        : [],
    );
  }

  cleanup(): Promise<void> {
    return rm(this.root, { recursive: true, force: true });
  }
}

/** Statuses of a run's nodes by id. */
export function statuses(result: RunResult): Record<string, string> {
  return Object.fromEntries(
    Object.entries(result.record.nodes).map(([id, node]) => [id, node.status]),
  );
}
