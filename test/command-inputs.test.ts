import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPipeline, PipelineError } from '../src/index.js';
import { CommandProject, statuses } from './command-project.js';

let project: CommandProject;

beforeEach(async () => {
  project = await CommandProject.create();
});

afterEach(async () => {
  await project.cleanup();
});

/** Writes its first argument into `{outDir}/value.txt`. */
const MAKE_SCRIPT = `
import { writeFileSync } from 'node:fs';
writeFileSync(process.argv[3] + '/value.txt', process.argv[2]);
`;

/**
 * Concatenates value.txt of every folder in DISTILLERY_INPUT_PARTS and of
 * each argument, and writes both lists into `joined.txt`.
 */
const JOIN_SCRIPT = `
import { readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
const read = (dir) => readFileSync(join(dir, 'value.txt'), 'utf8');
const fromEnv = process.env.DISTILLERY_INPUT_PARTS.split(delimiter).map(read);
const fromArgs = process.argv.slice(2).map(read);
writeFileSync('joined.txt', fromEnv.join(',') + ' ' + fromArgs.join(','));
`;

describe('command node inputs', () => {
  it('passes upstream artifacts as variables and arguments', async () => {
    await project.write('make.mjs', MAKE_SCRIPT);
    await project.write('join.mjs', JOIN_SCRIPT);
    const result = await project.run(`
name: command-inputs
nodes:
  first:
    type: command
    params: { cmd: 'node make.mjs one {outDir}', deps: [make.mjs] }
  second:
    type: command
    params: { cmd: 'node make.mjs two {outDir}', deps: [make.mjs] }
  join:
    type: command
    params:
      cmd: node join.mjs {inputs.parts}
      deps: [join.mjs]
      outs: [joined.txt]
    inputs:
      parts: [first, second]
`);
    expect(statuses(result)).toEqual({
      first: 'ran',
      second: 'ran',
      join: 'ran',
    });
    const key = result.record.nodes.join.key;
    const joined = join(project.root, 'artifacts', 'objects', key, 'joined.txt');
    expect(await readFile(joined, 'utf8')).toBe('one,two one,two');
  });

  it('feeds a command out to load-data', async () => {
    // Five users with five interactions each; the script keeps ratings
    // of at least 4, which drops user 5 entirely.
    const lines: string[] = [];
    for (let user = 1; user <= 5; user++) {
      for (let item = 1; item <= 5; item++) {
        const rating = user === 5 ? 2 : 4 + (item % 2);
        lines.push(`${user}\t${item + user}\t${rating}\t${1000 + item}`);
      }
    }

    await project.write('ratings.tsv', `${lines.join('\n')}\n`);
    await project.write(
      'keep-high.mjs',
      [
        "import { readFileSync, writeFileSync } from 'node:fs';",
        "const rows = readFileSync(process.argv[2], 'utf8').trim().split('\\n');",
        "const kept = rows.filter((row) => Number(row.split('\\t')[2]) >= 4);",
        "writeFileSync('high.tsv', kept.join('\\n') + '\\n');",
      ].join('\n'),
    );
    const result = await project.run(`
name: command-to-load-data
nodes:
  filter:
    type: command
    params:
      cmd: node keep-high.mjs ratings.tsv
      deps: [keep-high.mjs, ratings.tsv]
      outs: [high.tsv]
  data:
    type: load-data
    params:
      dataset: input
      path: high.tsv
      delimiter: tab
      header: false
      columns: { user: 1, item: 2, rating: 3, timestamp: 4 }
      minUserInteractions: 3
    inputs:
      source: filter
`);
    expect(statuses(result)).toEqual({ filter: 'ran', data: 'ran' });
    expect(result.record.nodes.data.metrics.users).toBe(4);
    expect(result.record.nodes.data.metrics.interactions).toBe(20);
  });

  it('rejects an input of load-data without dataset input', async () => {
    await project.write('x.tsv', '1\t1\n');
    const result = await project.run(`
name: load-data-source-unused
nodes:
  filter:
    type: command
    params: { cmd: node -e 0, outs: [] }
  data:
    type: load-data
    params: { dataset: file, path: x.tsv }
    inputs: { source: filter }
`);
    const error = result.record.nodes.data.error!;
    expect(error.message).toContain('read only with `dataset: input`');
  });
});

describe('command input validation', () => {
  it('accepts any input name and kind', async () => {
    const file = await project.write(
      'any-inputs.yaml',
      `name: any-inputs
nodes:
  data:
    type: load-data
  student:
    type: pretrain-student
    inputs: { dataset: data }
  report:
    type: command
    params: { cmd: node -e 0 }
    inputs: { train-data: data, models: [student], raw: data }
`,
    );
    const spec = await loadPipeline(file, { registry: project.registry });
    expect(spec.nodes[2].inputs).toEqual({
      'train-data': 'data',
      models: ['student'],
      raw: 'data',
    });
  });

  it('still checks the kinds of other types', async () => {
    const file = await project.write(
      'wrong-kind.yaml',
      `name: wrong-kind
nodes:
  files:
    type: command
    params: { cmd: node -e 0 }
  student:
    type: pretrain-student
    inputs: { dataset: files }
`,
    );
    const error = await loadPipeline(file, { registry: project.registry }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PipelineError);
    const [diagnostic] = (error as PipelineError).diagnostics;
    expect(diagnostic.reason).toBe('input-kind-mismatch');
    expect(diagnostic.message).toContain('produces `files`');
  });
});
