/** `distillery compare` and `distillery report`: results across variants. */
import { Command, Option } from 'commander';
import { runCompareCommand, runReportCommand } from '../../report/commands.js';
import { COMPARE_FORMATS } from '../../report/format.js';
import { DEFAULT_STORE_DIR } from '../../store/index.js';
import type { CliIo } from '../io.js';
import { addStoreOption } from '../options.js';

const TARGET_HELP =
  'pipeline file (its latest result of each variant), or run ids ' +
  'separated by commas (each may be a unique prefix or `latest`)';

// Commander passes no previous value the first time, because neither
// option has a default (which its help would print as `(default: [])`).
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds `--metric`, `--baseline` and `--set`, shared by both commands. */
function addMetricOptions(command: Command): Command {
  return command
    .option(
      '--set <path=value>',
      'use only runs made with exactly these `--set` overrides ' +
        '(repeatable; default: prefer runs without overrides)',
      collect,
    )
    .option(
      '--metric <name>',
      'metric column: `test.ndcg@10` for every model, or `model:metric` ' +
        '(repeatable; default: test.hr@10 and test.ndcg@10)',
      collect,
    )
    .option(
      '--baseline <row>',
      'row to show differences and paired tests against: a setting such ' +
        'as `init=random`, or a variant name',
    );
}

/** Builds the `compare` command. */
export function compareCommand(io: CliIo): Command {
  const command = new Command('compare')
    .description(
      'compare the metrics of variants: one row per variant, or per ' +
        'setting with mean and 95% CI over seeds',
    )
    .argument('<target>', TARGET_HELP)
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(COMPARE_FORMATS)
        .default('table'),
    )
    .option(
      '--sort <column>',
      'sort rows by a parameter or `model:metric` column; append `:asc` ' +
        'or `:desc` (metrics default to descending)',
    );
  addMetricOptions(command);
  addStoreOption(command);
  return command.action(
    async (
      target: string,
      options: {
        store?: string;
        format: string;
        metric?: string[];
        sort?: string;
        baseline?: string;
        set?: string[];
      },
    ) => {
      const text = await runCompareCommand({
        target,
        overrides: options.set,
        store: options.store ?? DEFAULT_STORE_DIR,
        format: options.format,
        metrics: options.metric ?? [],
        sort: options.sort,
        baseline: options.baseline,
      });
      io.stdout.write(text);
    },
  );
}

/** Builds the `report` command. */
export function reportCommand(io: CliIo): Command {
  const command = new Command('report')
    .description(
      'write a static HTML report: graph, metrics table, training curves ' +
        'and bar charts with 95% CIs',
    )
    .argument('<target>', TARGET_HELP)
    .option(
      '--out <file>',
      'HTML file to write (default: <store>/reports/<pipeline>-<run>.html)',
    );
  addMetricOptions(command);
  addStoreOption(command);
  return command.action(
    async (
      target: string,
      options: {
        store?: string;
        out?: string;
        metric?: string[];
        baseline?: string;
        set?: string[];
      },
    ) => {
      const file = await runReportCommand({
        target,
        overrides: options.set,
        store: options.store ?? DEFAULT_STORE_DIR,
        out: options.out,
        metrics: options.metric ?? [],
        baseline: options.baseline,
      });
      io.stdout.write(`Wrote ${file}\n`);
    },
  );
}
