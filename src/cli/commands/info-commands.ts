/** `distillery types` and `distillery doctor`. */
import { Command } from 'commander';
import type { NodeType, ParamSpec } from '../../nodes/node-type.js';
import type { CliIo } from '../io.js';
import { loadRegistry } from '../options.js';

interface TypesCommandOptions {
  json?: boolean;
  nodeTypes: string[];
  config?: string;
}

/** Builds the `types` command. */
export function typesCommand(io: CliIo): Command {
  return new Command('types')
    .description('list the node types with their inputs and parameters')
    .option('--json', 'print the types as JSON')
    .option(
      '--node-types <module>',
      'also register node types from a module',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option(
      '--config <file>',
      'project config registering node types (default: ' +
        'distillery.config.ts in the current folder)',
    )
    .action(async (options: TypesCommandOptions) => {
      const registry = await loadRegistry(options.nodeTypes, {
        configFile: options.config,
      });
      const types = [...registry.values()];
      io.stdout.write(
        options.json
          ? `${JSON.stringify(types.map(typeJson), null, 2)}\n`
          : types.map(formatType).join('\n'),
      );
    });
}

function typeJson(type: NodeType) {
  return {
    name: type.name,
    version: type.version,
    description: type.description,
    output: type.output,
    inputs: type.inputs,
    params: type.params,
  };
}

function formatType(type: NodeType): string {
  const lines = [
    `${type.name} (v${type.version}) -> ${type.output}`,
    `  ${type.description}`,
  ];
  const inputs = Object.entries(type.inputs);
  if (inputs.length > 0) lines.push('  inputs:');
  for (const [name, input] of inputs) {
    const kinds = [input.kind].flat().join(' | ');
    const flags = [
      input.multiple ? 'list' : '',
      input.optional ? 'optional' : '',
    ].filter(Boolean);
    const suffix = flags.length > 0 ? `, ${flags.join(', ')}` : '';
    lines.push(`    ${name} (${kinds}${suffix}): ${input.description}`);
  }

  const params = Object.entries(type.params);
  if (params.length > 0) lines.push('  params:');
  for (const [name, spec] of params)
    lines.push(`    ${name} ${describeParam(spec)}: ${spec.description}`);
  return `${lines.join('\n')}\n`;
}

function describeParam(spec: ParamSpec): string {
  const kind = spec.type === 'enum' ? spec.values.join('|') : spec.type;
  const fallback =
    spec.default === undefined
      ? 'required'
      : `default ${JSON.stringify(spec.default)}`;
  return `(${kind}, ${fallback})`;
}

/** Builds the `doctor` command. */
export function doctorCommand(io: CliIo): Command {
  return new Command('doctor')
    .description(
      'check which TensorFlow.js backends and kernels load on this machine',
    )
    .action(async () => {
      const engine = (await import('../../engine/index.js')) as {
        diagnoseEngine?: () => Promise<string>;
      };
      if (typeof engine.diagnoseEngine !== 'function') {
        io.stdout.write('This build has no engine diagnosis.\n');
        return;
      }

      io.stdout.write(`${await engine.diagnoseEngine()}\n`);
    });
}
