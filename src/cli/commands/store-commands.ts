/** `distillery verify` and `distillery gc`: maintaining the store. */
import { Command } from 'commander';
import { plan } from '../../runner/index.js';
import { loadPipeline, resolvePipeline } from '../../spec/index.js';
import {
  collectGarbage,
  describeArtifactProblem,
  verifyStore,
  type GcReport,
  type Store,
  type VerifyFinding,
} from '../../store/index.js';
import { CliError } from '../cli-error.js';
import { countOf } from '../plural.js';
import type { CliIo } from '../io.js';
import {
  addStoreOption,
  loadRegistry,
  openStore,
  resolveDataDir,
} from '../options.js';

/** Builds the `verify` command. */
export function verifyCommand(io: CliIo): Command {
  const command = new Command('verify')
    .description(
      're-hash every artifact and report those that do not match their manifest',
    )
    .option(
      '--quarantine',
      'move invalid artifacts to quarantine/ so they are recomputed',
    );
  addStoreOption(command);
  return command.action(
    async (options: { store?: string; quarantine?: boolean }) => {
      const report = await verifyStore(openStore(options), {
        quarantine: options.quarantine,
      });
      for (const finding of report.findings)
        io.stdout.write(`${describeFinding(finding)}\n`);
      io.stdout.write(
        `${countOf(report.valid, 'valid artifact')}, ` +
          `${countOf(report.findings.length, 'problem')}.\n`,
      );
      if (report.findings.length > 0) {
        const fix = options.quarantine
          ? ''
          : ' Run `distillery verify --quarantine` to set them aside.';
        const count = report.findings.length;
        const entries = countOf(count, 'invalid entry', 'invalid entries');
        throw new CliError(`The store has ${entries}.${fix}`);
      }
    },
  );
}

function describeFinding(finding: VerifyFinding): string {
  switch (finding.reason) {
    case 'invalid-artifact':
      return (
        `invalid  ${finding.key}: ` + describeArtifactProblem(finding.problem)
      );
    case 'unexpected-entry':
      return `unknown  objects/${finding.name}: not a cache key`;
  }
}

interface GcCommandOptions {
  store?: string;
  dryRun?: boolean;
  dataDir?: string;
  nodeTypes: string[];
  config?: string;
}

/** Builds the `gc` command. */
export function gcCommand(io: CliIo): Command {
  const command = new Command('gc')
    .description('remove artifacts that no run record refers to')
    .argument(
      '[pipelines...]',
      'also keep the artifacts these pipeline files would use now',
    )
    .option('--dry-run', 'only report what would be removed')
    .option(
      '--data-dir <dir>',
      'dataset folder, for planning the given pipelines',
    )
    .option(
      '--node-types <module>',
      'also register node types from a module',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option(
      '--config <file>',
      'project config registering node types (default: ' +
        'distillery.config.ts beside each pipeline file, else in the ' +
        'current folder)',
    );
  addStoreOption(command);
  return command.action(
    async (pipelines: string[], options: GcCommandOptions) => {
      const store = openStore(options);
      const keep = await plannedKeys(store, pipelines, options);
      const report = await collectGarbage(store, {
        dryRun: options.dryRun,
        keep,
      });
      io.stdout.write(formatGcReport(report));
    },
  );
}

function formatGcReport(report: GcReport): string {
  const verb = report.dryRun ? 'would remove' : 'removed';
  const lines = [
    ...report.removedKeys.map((key) => `${verb} ${key}`),
    ...report.lockedKeys.map(
      (key) => `kept ${key}: locked by a running process`,
    ),
  ];
  const total = report.dryRun ? 'Would free' : 'Freed';
  lines.push(
    `${total} ${formatBytes(report.freedBytes)}: ` +
      `${countOf(report.removedKeys.length, 'artifact')}, ` +
      `${countOf(report.removedWork.length, 'checkpoint folder')}, ` +
      `${countOf(report.removedStaging.length, 'abandoned staging folder')}, ` +
      `${countOf(report.removedQuarantine.length, 'quarantined artifact')}.`,
  );
  return `${lines.join('\n')}\n`;
}

// Small stores free kilobytes, which `0.0 MiB` would hide.
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

async function plannedKeys(
  store: Store,
  files: string[],
  options: GcCommandOptions,
): Promise<string[]> {
  if (files.length === 0) return [];

  const keys: string[] = [];
  for (const file of files) {
    const registry = await loadRegistry(options.nodeTypes, {
      configFile: options.config,
      pipelineFile: file,
    });
    const spec = await loadPipeline(file, { registry });
    const allVariants = spec.variants.length > 0;
    const resolved = resolvePipeline(spec, {
      registry,
      ...(allVariants ? { allVariants } : {}),
    });
    const planned = await plan(resolved, {
      registry,
      store,
      dataDir: resolveDataDir(options),
    });
    for (const node of planned.nodes) if (node.key) keys.push(node.key);
  }

  return keys;
}
