/** `distillery runs` and `distillery show RUN`: reading run records. */
import { Command } from 'commander';
import { formatDuration, formatNumber } from '../../events/format.js';
import {
  readRunRecord,
  readRunRecords,
  runStatus,
  type RunRecord,
} from '../../runner/index.js';
import type { Store } from '../../store/index.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../io.js';
import { addStoreOption, openStore } from '../options.js';
import { formatTable } from '../text-table.js';

/** Builds the `runs` command. */
export function runsCommand(io: CliIo): Command {
  const command = new Command('runs')
    .description('list the runs recorded in the store, newest first')
    .option('--json', 'print the run records as JSON');
  addStoreOption(command);
  return command.action(async (options: { store?: string; json?: boolean }) => {
    const records = await readRunRecords(openStore(options));
    if (options.json) {
      const shown = records.map(withRunStatus);
      io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    } else if (records.length === 0) {
      io.stdout.write('No runs recorded in this store yet.\n');
    } else {
      io.stdout.write(`${formatRuns(records)}\n`);
    }
  });
}

/** Builds the `show` command. */
export function showCommand(io: CliIo): Command {
  const command = new Command('show')
    .description('show one run: its nodes, keys, durations, metrics and errors')
    .argument('<run>', 'run id, a unique prefix of one, or `latest`')
    .option('--json', 'print the run record as JSON');
  addStoreOption(command);
  return command.action(
    async (id: string, options: { store?: string; json?: boolean }) => {
      const store = openStore(options);
      const record = await readRunRecord(store, id);
      if (!record) throw await unmatchedRun(store, id);

      io.stdout.write(
        options.json
          ? `${JSON.stringify(withRunStatus(record), null, 2)}\n`
          : `${formatRun(record)}\n`,
      );
    },
  );
}

// Explains why `id` names no run: no id starts with it, or several do.
async function unmatchedRun(store: Store, id: string): Promise<CliError> {
  const matches = (await readRunRecords(store))
    .map((record) => record.id)
    .filter((runId) => runId.startsWith(id));
  if (matches.length < 2) {
    return new CliError(
      `No run matches \`${id}\`: run \`distillery runs\` to list the run ids.`,
    );
  }

  return new CliError(
    `The run prefix \`${id}\` is ambiguous: it matches ` +
      `${matches.length} runs (${matches.join(', ')}). ` +
      'Give more characters of the run id.',
  );
}

function formatRuns(records: RunRecord[]): string {
  const rows = records.map((record) => [
    record.id,
    runStatus(record),
    record.pipeline,
    countStatuses(record),
    record.endedAt
      ? formatDuration(
          Date.parse(record.endedAt) - Date.parse(record.startedAt),
        )
      : '-',
  ]);
  return formatTable(['run', 'status', 'pipeline', 'nodes', 'duration'], rows);
}

function countStatuses(record: RunRecord): string {
  const counts = new Map<string, number>();
  for (const node of Object.values(record.nodes)) {
    counts.set(node.status, (counts.get(node.status) ?? 0) + 1);
  }

  return [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
}

// The record with its displayed status, so a killed run reads as
// `interrupted` in JSON too.
function withRunStatus(record: RunRecord): object {
  return { ...record, status: runStatus(record) };
}

function formatRun(record: RunRecord): string {
  const status = runStatus(record);
  const header = [
    `run       ${record.id}`,
    `pipeline  ${record.pipeline} (${record.pipelineFile})`,
    `status    ${status}`,
    `started   ${record.startedAt}`,
    `ended     ${record.endedAt ?? '-'}`,
    `store     ${record.store}`,
    ...(record.overrides.length > 0
      ? [`overrides ${record.overrides.join(' ')}`]
      : []),
    ...(record.engine ? [`engine    ${record.engine.backend}`] : []),
  ];
  const rows = Object.values(record.nodes).map((node) => [
    node.id,
    node.type,
    status === 'interrupted' && node.status === 'running'
      ? 'interrupted'
      : node.status,
    node.key ? node.key.slice(0, 12) : '-',
    node.durationMs !== undefined ? formatDuration(node.durationMs) : '-',
    Object.entries(node.metrics)
      .slice(0, 4)
      .map(([name, value]) => `${name} ${formatNumber(value)}`)
      .join(', '),
  ]);
  const errors = Object.values(record.nodes)
    .filter((node) => node.error)
    .map((node) => `${node.id}: ${node.error!.message} [${node.error!.code}]`);
  return [
    header.join('\n'),
    formatTable(['node', 'type', 'status', 'key', 'duration', 'metrics'], rows),
    ...(errors.length > 0 ? [`errors\n${errors.join('\n')}`] : []),
  ].join('\n\n');
}
