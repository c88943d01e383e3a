import { describe, expect, test } from 'vitest';
import {
  load,
  loadAndResolve,
  renderLoad,
} from './fixtures/pipelines/helpers.js';

/** A one-node pipeline whose `shell` node's `command` param is `command`. */
function withCommand(vars: string, command: string): string {
  return `name: x\nvars:\n${vars}\nnodes:\n  run:\n    type: shell\n    params:\n      command: ${command}\n`;
}

function command(vars: string, value: string): unknown {
  return loadAndResolve(withCommand(vars, value)).nodes[0].params.command;
}

describe('interpolation', () => {
  test.each([
    ['number keeps its type', '  n: 42', '"${vars.n}"', 42],
    ['boolean keeps its type', '  b: true', '"${vars.b}"', true],
    ['list keeps its type', '  l: [1, two]', '"${vars.l}"', [1, 'two']],
    ['mapping keeps its type', '  m: { a: 1 }', '"${vars.m}"', { a: 1 }],
    ['null keeps its type', '  z: null', '"${vars.z}"', null],
    ['embedded number is text', '  n: 42', '"seed-${vars.n}"', 'seed-42'],
    ['embedded list is flow text', '  l: [1, 2]', '"x${vars.l}"', 'x[1, 2]'],
    ['two references', '  a: 1\n  b: two', '"${vars.a}${vars.b}"', '1two'],
    ['nested key', '  m: { a: { b: 7 } }', '"${vars.m.a.b}"', 7],
    ['list index', '  l: [a, b]', '"${vars.l.1}"', 'b'],
    ['var refers to var', '  a: 5\n  b: "${vars.a}"', '"${vars.b}"', 5],
    [
      'chain through a mapping',
      '  a: { k: 3 }\n  b: "${vars.a}"',
      '"${vars.b.k}"',
      3,
    ],
    ['escape writes a literal', '  a: 1', '"$${vars.a}"', '${vars.a}'],
    ['spaces inside braces', '  a: 1', '"${ vars.a }"', 1],
  ])('%s', (_name, vars, value, expected) => {
    expect(command(vars, value)).toEqual(expected);
  });

  test('interpolated vars are stored in the spec', () => {
    const spec = load(withCommand('  a: 2\n  b: "${vars.a}-x"', '1'));
    expect(spec.vars).toEqual({ a: 2, b: '2-x' });
  });

  test('node spec records where values were written', () => {
    const spec = load(withCommand('  a: 2', '"${vars.a}"'));
    expect(spec.nodes[0].params).toEqual({ command: 2 });
    expect(spec.nodes[0].locations['params.command']).toMatchObject({
      line: 8,
      column: 16,
    });
    expect(spec.nodes[0].location).toMatchObject({
      line: 5,
      column: 3,
      length: 3,
    });
  });

  test('unknown variable points at the reference', () => {
    const rendered = renderLoad(withCommand('  seed: 1', '"x-${vars.sed}"'));
    expect(rendered).toContain(
      'pipe.yaml:8:19: error: Unknown variable `vars.sed` in `${vars.sed}`: `vars` has no key `sed`. Did you mean `seed`?',
    );
    expect(rendered).toContain(
      ' 8 |       command: "x-${vars.sed}"\n   |                   ^~~~~~~~~~~\n',
    );
    expect(rendered).toContain('Found 1 error in the pipeline.');
  });

  test('unknown nested key names the mapping', () => {
    const rendered = renderLoad(withCommand('  m: { a: 1 }', '"${vars.m.b}"'));
    expect(rendered).toContain(
      'error: Unknown variable `vars.m.b` in `${vars.m.b}`: `vars.m` has no key `b`.',
    );
  });

  test('reference cycle prints the path', () => {
    const rendered = renderLoad(
      withCommand('  a: "${vars.b}"\n  b: "x${vars.a}"', '1'),
    );
    expect(rendered).toContain(
      'pipe.yaml:4:8: error: Variables refer to each other in a cycle: vars.a -> vars.b -> vars.a. Replace one reference with a value.',
    );
    expect(rendered).toContain('pipe.yaml:3:6: note: `vars.a` is defined here');
    expect(rendered).toContain('pipe.yaml:4:6: note: `vars.b` is defined here');
    expect(rendered).toContain('Found 1 error in the pipeline.');
  });

  test('cycle through a path is reported once', () => {
    const rendered = renderLoad(
      withCommand('  a: "${vars.b}"\n  b: "${vars.a.k}"', '1'),
    );
    expect(rendered).toContain('a cycle: vars.a -> vars.b -> vars.a.');
    expect(rendered).not.toContain('Unknown variable');
    expect(rendered).toContain('Found 1 error in the pipeline.');
  });

  test('self reference is a cycle', () => {
    const rendered = renderLoad(withCommand('  a: { k: "${vars.a}" }', '1'));
    expect(rendered).toContain('a cycle: vars.a -> vars.a.k -> vars.a.');
  });

  test.each(['"${seed}"', '"${vars.}"', '"${vars.a"'])(
    'malformed reference %s',
    (value) => {
      const rendered = renderLoad(withCommand('  a: 1', value));
      expect(rendered).toMatch(
        /pipe\.yaml:8:\d+: error: `\$\{[^`]*` is not a valid reference: write `\$\{vars\.NAME\}`/,
      );
    },
  );

  test('value from a var notes the definition', () => {
    const text = `name: x\nvars:\n  epochs: 0\nnodes:\n  d:\n    type: load-data\n    params: { dataset: ml-100k }\n  s:\n    type: pretrain-student\n    params: { epochs: "\${vars.epochs}" }\n    inputs: { dataset: d }\n`;
    const rendered = renderLoad(text);
    expect(rendered).toContain(
      'pipe.yaml:10:23: error: Param `epochs` of node `s` is out of range',
    );
    expect(rendered).toContain(
      'pipe.yaml:3:11: note: the value comes from here',
    );
  });

  test('interpolation reaches the pipeline name', () => {
    const text =
      'name: "run-${vars.n}"\nvars: { n: 3 }\nnodes:\n  a: { type: shell }\n';
    expect(load(text).name).toBe('run-3');
  });
});
