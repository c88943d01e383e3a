/**
 * Files of a custom node type for config tests: a type that counts the
 * lines of each file in its input artifact, in a module that imports a
 * relative helper, and the config that registers it.
 */

/** The helper module; editing it must change the type's fingerprint. */
export const HELPER_SOURCE = `
export function countLines(text: string): number {
  return text.split('\\n').filter((line) => line !== '').length;
}
`;

/** The node type module. It imports nothing from Distillery itself. */
export const TYPE_SOURCE = `
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countLines } from './count-lines.ts';

export const lineCount = {
  name: 'line-count',
  version: '1',
  description: 'Counts the lines of the text files of its input.',
  params: {
    suffix: { type: 'string', default: '.txt', description: 'File suffix.' },
  },
  inputs: { files: { kind: 'files', description: 'Files to count.' } },
  output: 'line-counts',
  module: import.meta.url,
  async run(context) {
    const dir = context.inputs.files.dir;
    const counts = {};
    for (const name of await readdir(dir)) {
      if (!name.endsWith(context.params.suffix)) continue;
      counts[name] = countLines(await readFile(join(dir, name), 'utf8'));
    }
    await writeFile(join(context.outDir, 'counts.json'), JSON.stringify(counts));
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return { metrics: { total }, summary: { counts } };
  },
};
`;

/** The config file registering `line-count`. */
export const CONFIG_SOURCE = `
import { lineCount } from './types/line-count.ts';

export default { nodeTypes: [lineCount] };
`;

/** A pipeline with a command producing files and a `line-count` node. */
export const PIPELINE = `
name: custom-type
nodes:
  make:
    type: command
    params:
      cmd: node -e "require('fs').writeFileSync(process.argv[1] + '/a.txt', 'x\\\\ny\\\\nz\\\\n')" {outDir}
  count:
    type: line-count
    inputs: { files: make }
`;
