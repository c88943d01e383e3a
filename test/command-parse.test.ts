import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/nodes/command/parse-command.js';
import {
  expandArguments,
  expandShellCommand,
  resolveDependency,
  type TemplateValues,
} from '../src/nodes/command/template.js';
import { checkOuts } from '../src/nodes/command/outs.js';
import {
  commandEnvironment,
  inputVariableName,
} from '../src/nodes/command/environment.js';
import { changesOutside } from '../src/nodes/command/snapshot.js';

describe('parseCommand', () => {
  it.each([
    ['node a.mjs b', ['node', 'a.mjs', 'b']],
    ['  node   a.mjs\tb  ', ['node', 'a.mjs', 'b']],
    ["node 'a b.mjs'", ['node', 'a b.mjs']],
    ['node "a b.mjs"', ['node', 'a b.mjs']],
    ['echo "say \\"hi\\"" \'it\'"s"', ['echo', 'say "hi"', 'its']],
    ['echo a\\ b', ['echo', 'a b']],
    ["echo '' x", ['echo', '', 'x']],
    ['echo "a\\nb"', ['echo', 'a\\nb']],
    ["echo '$HOME | x'", ['echo', '$HOME | x']],
    ['echo "\\$HOME"', ['echo', '$HOME']],
    ['echo 5$', ['echo', '5$']],
    ['echo {inputs.data}/u.data', ['echo', '{inputs.data}/u.data']],
  ])('splits %s', (command, argv) => {
    expect(parseCommand(command)).toEqual(argv);
  });

  it.each([
    ['echo a | wc', '`|`'],
    ['echo a > f', '`>`'],
    ['a && b', '`&`'],
    ['echo $HOME', '`$H`'],
    ['echo "$(date)"', '`$(`'],
    ['echo `date`', 'at column 6 is shell syntax'],
    ["echo 'open", "' quote is never closed"],
    ['echo "open', '" quote is never closed'],
    ['   ', 'no program name'],
    ['echo \\', 'lone backslash'],
  ])('rejects %s', (command, part) => {
    expect(() => parseCommand(command)).toThrow(part);
  });
});

const values: TemplateValues = {
  inputs: { data: ['/store/a'], many: ['/store/b', "/store/it's"] },
  outDir: '/store/tmp/x',
  workDir: '/store/work/k',
  pipelineDir: '/project',
  dataDir: '/data',
};

describe('command templates', () => {
  it('fills placeholders in arguments', () => {
    expect(
      expandArguments(
        ['run', '{inputs.data}/u.data', '--out={outDir}', '{pipelineDir}'],
        values,
      ),
    ).toEqual(['run', '/store/a/u.data', '--out=/store/tmp/x', '/project']);
  });

  it('spreads a whole list input into arguments', () => {
    expect(expandArguments(['cat', '{inputs.many}'], values)).toEqual([
      'cat',
      '/store/b',
      "/store/it's",
    ]);
  });

  it('joins a list input inside an argument', () => {
    expect(expandArguments(['--paths={inputs.many}'], values)).toEqual([
      "--paths=/store/b:/store/it's",
    ]);
  });

  it('quotes values for the shell', () => {
    expect(expandShellCommand('cat {inputs.many} > {outDir}/all', values)).toBe(
      "cat '/store/b' '/store/it'\\''s' > '/store/tmp/x'/all",
    );
  });

  it('leaves other braces alone', () => {
    expect(expandArguments(['{x}', '${HOME}', '{dataDir}'], values)).toEqual([
      '{x}',
      '${HOME}',
      '/data',
    ]);
  });

  it('names an unknown input', () => {
    expect(() => expandArguments(['{inputs.model}'], values)).toThrow(
      /no input `model` \(its inputs: `data`, `many`\)/,
    );
  });
});

describe('command outs', () => {
  it('normalises outs', () => {
    expect(checkOuts(['out/', './a.txt', 'x/../b'])).toEqual([
      'out',
      'a.txt',
      'b',
    ]);
  });

  it.each([
    [['/abs/out.txt'], 'relative'],
    [['../up.txt'], 'not inside the working directory'],
    [['.'], 'not inside the working directory'],
    [['exit.json'], 'already has a file of that name'],
    [['manifest.json'], 'already has a file of that name'],
    [['dir', 'dir/../dir'], 'listed twice'],
    [['dir', 'dir/a.txt'], 'lies inside out `dir`'],
  ])('rejects %j', (outs, rule) => {
    expect(() => checkOuts(outs)).toThrow(rule);
  });
});

describe('command environment', () => {
  const caller = { PATH: '/bin', SECRET: 's', SALT: 'x', HOME: '/home/u' };

  it('passes only base, listed and set variables', () => {
    const env = commandEnvironment(
      { env: { MODE: 'fast' }, passEnv: ['SALT'] },
      values,
      caller,
    );
    expect(env.PATH).toBe('/bin');
    expect(env.HOME).toBe('/home/u');
    expect(env.SALT).toBe('x');
    expect(env.MODE).toBe('fast');
    expect(env.SECRET).toBeUndefined();
    expect(env.DISTILLERY_INPUT_DATA).toBe('/store/a');
    expect(env.DISTILLERY_INPUT_MANY).toBe("/store/b:/store/it's");
    expect(env.DISTILLERY_OUT_DIR).toBe('/store/tmp/x');
  });

  it('rejects setting a reserved variable', () => {
    expect(() =>
      commandEnvironment(
        { env: { DISTILLERY_OUT_DIR: '/x' }, passEnv: [] },
        values,
        caller,
      ),
    ).toThrow('`DISTILLERY_OUT_DIR`');
  });

  it('derives input variable names', () => {
    expect(inputVariableName('train-data')).toBe('DISTILLERY_INPUT_TRAIN_DATA');
  });
});

describe('changesOutside', () => {
  it('lists changes outside allowed paths', () => {
    const before = new Map([
      ['a.txt', '1:1'],
      ['gone.txt', '1:1'],
      ['out', 'dir'],
      ['out/old', '1:1'],
    ]);
    const after = new Map([
      ['a.txt', '2:5'],
      ['new', 'dir'],
      ['new/b.txt', '1:6'],
      ['out', 'dir'],
      ['out/new', '1:7'],
      ['res', 'dir'],
      ['res/x.csv', '3:8'],
    ]);
    expect(changesOutside(before, after, ['out', 'res/x.csv'])).toEqual([
      { path: 'a.txt', change: 'modified' },
      { path: 'gone.txt', change: 'removed' },
      { path: 'new', change: 'created' },
      { path: 'new/b.txt', change: 'created' },
    ]);
  });
});

describe('resolveDependency', () => {
  const paths = { dataDir: '/data', pipelineDir: '/project/pipelines' };

  it.each([
    ['scripts/a.mjs', '/project/pipelines/scripts/a.mjs'],
    ['../shared.csv', '/project/shared.csv'],
    ['{dataDir}/ml-100k/u.data', '/data/ml-100k/u.data'],
    ['{pipelineDir}/x', '/project/pipelines/x'],
    ['/abs/file', '/abs/file'],
  ])('resolves %s', (dep, expected) => {
    expect(resolveDependency(dep, paths)).toBe(expected);
  });
});
