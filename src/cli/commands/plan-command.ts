/** `distillery plan FILE`: what a run would execute, and why. */
import { Command } from 'commander';
import { plan, type Plan } from '../../runner/index.js';
import type { CliIo } from '../io.js';
import {
  addPipelineOptions,
  loadRegistry,
  loadResolved,
  openStore,
  resolveDataDir,
  type PipelineOptions,
} from '../options.js';
import { countOf } from '../plural.js';
import { formatTable } from '../text-table.js';

interface PlanCommandOptions extends PipelineOptions {
  json?: boolean;
}

/** Builds the `plan` command. */
export function planCommand(io: CliIo): Command {
  const command = new Command('plan')
    .description('show which nodes a run would execute and why')
    .argument('<file>', 'pipeline file (YAML)')
    .option(
      '--json',
      'print the plan as JSON: node, variant, key, status, reasons',
    );
  addPipelineOptions(command);
  return command.action(async (file: string, options: PlanCommandOptions) => {
    const registry = await loadRegistry(options.nodeTypes, {
      configFile: options.config,
      pipelineFile: file,
    });
    const resolved = await loadResolved(file, options, registry);
    const store = openStore(options);
    const result = await plan(resolved, {
      registry,
      store,
      dataDir: resolveDataDir(options),
    });
    io.stdout.write(
      options.json
        ? `${JSON.stringify(planJson(result), null, 2)}\n`
        : formatPlan(result),
    );
  });
}

/** Converts a plan to the `--json` output form. */
export function planJson(result: Plan) {
  return {
    pipeline: result.pipeline,
    pipelineFile: result.pipelineFile,
    executions: result.executions,
    executionsWithoutSharing: result.executionsWithoutSharing,
    nodes: result.nodes.map((node) => ({
      node: node.name,
      variant: node.variant,
      key: node.key,
      status: node.status,
      reasons: node.reasons,
      ...(node.sharedWith ? { sharedWith: node.sharedWith } : {}),
    })),
  };
}

function formatPlan(result: Plan): string {
  const rows = result.nodes.map((node) => [
    node.status,
    node.id,
    node.type,
    node.key ? node.key.slice(0, 12) : '(pending)',
    describeReasons(node.reasons, node.sharedWith),
  ]);
  const toRun = result.nodes.filter((node) => node.status === 'run').length;
  const sharing =
    result.executions < result.executionsWithoutSharing
      ? ` (${result.executionsWithoutSharing} without sharing between variants)`
      : '';
  const notes = result.nodes.flatMap((node) =>
    node.quarantined ? [`note: ${node.quarantined}\n`] : [],
  );
  return (
    `${formatTable(['status', 'node', 'type', 'key', 'reasons'], rows)}\n\n` +
    `${countOf(result.nodes.length, 'node')}: ` +
    `${result.nodes.length - toRun} cached, ${toRun} to run in ` +
    `${countOf(result.executions, 'execution')}${sharing}.\n` +
    notes.join('')
  );
}

function describeReasons(
  reasons: string[],
  sharedWith: string | undefined,
): string {
  const all = sharedWith
    ? [...reasons, `shares the execution of ${sharedWith}`]
    : reasons;
  return all.join('; ');
}
