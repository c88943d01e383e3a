import { readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandProject, statuses } from './command-project.js';

/**
 * Counts the lines of the file named by its first argument and writes the
 * count, the GREETING variable and the SALT variable to `out/count.txt`.
 */
const COUNT_SCRIPT = `
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const lines = readFileSync(process.argv[2], 'utf8').trim().split('\\n');
mkdirSync('out', { recursive: true });
const text = [lines.length, process.env.GREETING ?? '-', process.env.SALT ?? '-'];
writeFileSync('out/count.txt', text.join(' ') + '\\n');
console.log('counted ' + lines.length + ' lines');
`;

interface Options {
  cmd?: string;
  greeting?: string;
}

function pipeline({ cmd = 'node count.mjs data.txt', greeting = 'hi' }: Options = {}) {
  return `
name: command-cache
nodes:
  count:
    type: command
    params:
      cmd: ${cmd}
      deps: [count.mjs, data.txt]
      outs: [out]
      env: { GREETING: ${greeting} }
      passEnv: [SALT]
`;
}

let project: CommandProject;

beforeEach(async () => {
  project = await CommandProject.create();
  await project.write('count.mjs', COUNT_SCRIPT);
  await project.write('data.txt', 'a\nb\nc\n');
  delete process.env.SALT;
});

afterEach(async () => {
  delete process.env.SALT;
  await project.cleanup();
});

async function artifactText(result: Awaited<ReturnType<CommandProject['run']>>, file: string) {
  const key = result.record.nodes.count.key;
  return readFile(join(project.root, 'artifacts', 'objects', key, file), 'utf8');
}

describe('command node caching', () => {
  it('runs once, then is cached', async () => {
    const first = await project.run(pipeline());
    expect(first.status).toBe('succeeded');
    expect(statuses(first)).toEqual({ count: 'ran' });
    expect(await artifactText(first, 'out/count.txt')).toBe('3 hi -\n');
    expect(await artifactText(first, 'stdout.log')).toBe('counted 3 lines\n');
    const exit = JSON.parse(await artifactText(first, 'exit.json'));
    expect(exit.exitCode).toBe(0);
    expect(exit.argv).toEqual(['node', 'count.mjs', 'data.txt']);
    expect(project.logs('count', 'info')).toContain('counted 3 lines');

    const second = await project.run(pipeline());
    expect(statuses(second)).toEqual({ count: 'cached' });
    expect(second.record.nodes.count.key).toBe(first.record.nodes.count.key);
  });

  it('re-runs when a dep changes content', async () => {
    const first = await project.run(pipeline());
    await project.write('data.txt', 'a\nb\nc\nd\n');
    const second = await project.run(pipeline());
    expect(statuses(second)).toEqual({ count: 'ran' });
    expect(second.record.nodes.count.key).not.toBe(first.record.nodes.count.key);
    expect(await artifactText(second, 'out/count.txt')).toBe('4 hi -\n');
  });

  it('stays cached when only a dep mtime changes', async () => {
    const first = await project.run(pipeline());
    const later = new Date(Date.now() + 3_600_000);
    await utimes(join(project.pipelineDir, 'data.txt'), later, later);
    await utimes(join(project.pipelineDir, 'count.mjs'), later, later);
    const second = await project.run(pipeline());
    expect(statuses(second)).toEqual({ count: 'cached' });
    expect(second.record.nodes.count.key).toBe(first.record.nodes.count.key);
  });

  it('re-runs when the script changes', async () => {
    await project.run(pipeline());
    await project.write('count.mjs', `${COUNT_SCRIPT}\n// edited\n`);
    const second = await project.run(pipeline());
    expect(statuses(second)).toEqual({ count: 'ran' });
  });

  it('re-runs when the command changes', async () => {
    await project.run(pipeline());
    await project.write('other.txt', 'x\n');
    const second = await project.run(pipeline({ cmd: 'node count.mjs other.txt' }));
    expect(statuses(second)).toEqual({ count: 'ran' });
    expect(await artifactText(second, 'out/count.txt')).toBe('1 hi -\n');
  });

  it('re-runs when an env value changes', async () => {
    await project.run(pipeline());
    const second = await project.run(pipeline({ greeting: 'hello' }));
    expect(statuses(second)).toEqual({ count: 'ran' });
    expect(await artifactText(second, 'out/count.txt')).toBe('3 hello -\n');
  });

  it('re-runs when a passed variable changes', async () => {
    await project.run(pipeline());
    process.env.SALT = 'pepper';
    const second = await project.run(pipeline());
    expect(statuses(second)).toEqual({ count: 'ran' });
    expect(second.record.nodes.count.keyFields?.env).toEqual({ SALT: 'pepper' });
    expect(await artifactText(second, 'out/count.txt')).toBe('3 hi pepper\n');

    const third = await project.run(pipeline());
    expect(statuses(third)).toEqual({ count: 'cached' });
  });

  it('hides unlisted caller variables from the command', async () => {
    process.env.SALT = 'pepper';
    const result = await project.run(
      pipeline().replace('passEnv: [SALT]', 'passEnv: []'),
    );
    expect(await artifactText(result, 'out/count.txt')).toBe('3 hi -\n');
  });
});
