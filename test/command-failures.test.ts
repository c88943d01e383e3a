import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandError } from '../src/nodes/command/errors.js';
import { isUserError } from '../src/runner/user-error.js';
import { CommandProject, statuses } from './command-project.js';

let project: CommandProject;

beforeEach(async () => {
  project = await CommandProject.create();
});

afterEach(async () => {
  await project.cleanup();
});

function pipeline(params: string): string {
  return `
name: command-failures
nodes:
  step:
    type: command
    params:
${params
  .trim()
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`;
}

describe('command node failures', () => {
  it('names an out the command did not write', async () => {
    await project.write('write-a.mjs', "import fs from 'node:fs'; fs.writeFileSync('a.txt', 'a');");
    const result = await project.run(
      pipeline('cmd: node write-a.mjs\nouts: [a.txt, b.txt]'),
    );
    expect(statuses(result)).toEqual({ step: 'failed' });
    const error = result.record.nodes.step.error!;
    expect(error.code).toBe('COMMAND_OUT_MISSING');
    expect(error.message).toContain('`b.txt`');
    expect(error.message).not.toContain('`a.txt`');
  });

  it('fails a non-zero exit with the stderr tail', async () => {
    await project.write(
      'fail.mjs',
      [
        "for (let i = 1; i <= 30; i++) console.error('problem ' + i);",
        'process.exit(3);',
      ].join('\n'),
    );
    const result = await project.run(pipeline('cmd: node fail.mjs'));
    expect(statuses(result)).toEqual({ step: 'failed' });
    const error = result.record.nodes.step.error!;
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.message).toContain('exited with code 3');
    // A typed failure carries no stack trace under its message.
    expect(error.detail).toBeUndefined();
    expect(error.message).toContain('problem 30');
    expect(error.message).toContain('problem 11');
    // Only the last 20 lines are kept.
    expect(error.message).not.toContain('problem 10\n');
    expect(project.logs('step', 'warn')).toContain('problem 1');

    // The logs of the failed attempt stay in the store's work folder.
    const folder = /Full output: (.*)\.$/m.exec(error.message)?.[1];
    expect(folder).toBeDefined();
    const stderr = await readFile(join(folder!, 'stderr.log'), 'utf8');
    expect(stderr.split('\n')).toHaveLength(31);
    const exit = JSON.parse(await readFile(join(folder!, 'exit.json'), 'utf8'));
    expect(exit.exitCode).toBe(3);
  });

  it('reports a program that cannot start', async () => {
    const result = await project.run(
      pipeline('cmd: no-such-program-for-distillery --flag'),
    );
    const error = result.record.nodes.step.error!;
    expect(error.code).toBe('COMMAND_NOT_STARTED');
    expect(error.message).toContain('no-such-program-for-distillery');
  });

  it('rejects shell syntax without a shell', async () => {
    const result = await project.run(pipeline("cmd: 'echo hi | wc -l'"));
    const error = result.record.nodes.step.error!;
    expect(error.code).toBe('COMMAND_INVALID_PARAM');
    expect(error.message).toContain('`|`');
    expect(error.message).toContain('shell: true');
    expect(error.detail).toBeUndefined();
  });

  it('runs pipes with shell true', async () => {
    const result = await project.run(
      pipeline("cmd: 'printf \"a\\\\nb\\\\n\" | wc -l > lines.txt'\nshell: true\nouts: [lines.txt]"),
    );
    expect(statuses(result)).toEqual({ step: 'ran' });
    expect((await project.read('lines.txt')).trim()).toBe('2');
  });

  it('warns about writes outside the outs', async () => {
    await project.write(
      'stray.mjs',
      [
        "import fs from 'node:fs';",
        "fs.writeFileSync('out.txt', 'kept');",
        "fs.writeFileSync('stray.txt', 'not declared');",
        "fs.writeFileSync('data.txt', 'changed');",
      ].join('\n'),
    );
    await project.write('data.txt', 'original');
    const result = await project.run(pipeline('cmd: node stray.mjs\nouts: [out.txt]'));
    expect(statuses(result)).toEqual({ step: 'ran' });
    const warnings = project.logs('step', 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('data.txt (modified)');
    expect(warnings[0]).toContain('stray.txt (created)');
    expect(warnings[0]).not.toContain('out.txt');
    expect(warnings[0]).not.toContain('pipeline.yaml');
  });

  it('removes a stale out before running', async () => {
    await project.write('out.txt', 'stale from an earlier run');
    await project.write('nothing.mjs', '');
    const result = await project.run(pipeline('cmd: node nothing.mjs\nouts: [out.txt]'));
    expect(result.record.nodes.step.error?.code).toBe('COMMAND_OUT_MISSING');
  });
});

describe('isUserError', () => {
  it('keeps stacks only for unexpected errors', () => {
    const invalid = new CommandError('COMMAND_INVALID_PARAM', 'bad out');
    expect(isUserError(invalid)).toBe(true);
    expect(isUserError(new Error('boom'))).toBe(false);
    const glued = Object.assign(new Error('boom'), { code: 'FAKE_FAILURE' });
    expect(isUserError(glued)).toBe(false);
    const missing = Object.assign(new Error('no file'), {
      code: 'ENOENT',
      errno: -2,
    });
    expect(isUserError(missing)).toBe(false);
    const internal = Object.assign(new TypeError('bad arg'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
    expect(isUserError(internal)).toBe(false);
  });
});
