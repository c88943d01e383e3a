import { describe, expect, test } from 'vitest';
import {
  BASE,
  load,
  loadAndResolve,
  renderLoad,
} from './fixtures/pipelines/helpers.js';

function student(overrides: string[]) {
  return loadAndResolve(BASE, {}, overrides).nodes.find(
    (node) => node.name === 'student',
  )!;
}

describe('--set overrides', () => {
  test('number value keeps its type', () => {
    expect(student(['nodes.student.params.epochs=30']).params.epochs).toBe(30);
  });

  test('flow list is parsed as YAML', () => {
    expect(
      student(['nodes.student.params.hiddenUnits=[8, 16]']).params.hiddenUnits,
    ).toEqual([8, 16]);
  });

  test('var override applies before interpolation', () => {
    expect(student(['vars.seed=7']).params.seed).toBe(7);
  });

  test('param left to its default can be set', () => {
    expect(
      student(['nodes.student.params.learningRate=0.01']).params.learningRate,
    ).toBe(0.01);
  });

  test('nested object param', () => {
    expect(
      student(['nodes.student.params.optimizer.name=sgd']).params.optimizer,
    ).toEqual({ name: 'sgd', beta1: 0.9 });
  });

  test('input and name can be set', () => {
    const text = BASE.replace(
      '  evaluate:',
      '  data2:\n    type: load-data\n    params: { dataset: ml-latest-small }\n  evaluate:',
    );
    const spec = load(text, [
      'nodes.student.inputs.dataset=data2',
      'name=renamed',
    ]);
    expect(spec.name).toBe('renamed');
    expect(spec.nodes.find((node) => node.name === 'student')!.inputs).toEqual({
      dataset: 'data2',
    });
  });

  test('later override wins', () => {
    expect(student(['vars.seed=1', 'vars.seed=2']).params.seed).toBe(2);
  });

  test('overridden value location says --set', () => {
    const spec = load(BASE, ['nodes.student.params.epochs=30']);
    const location = spec.nodes.find((node) => node.name === 'student')!
      .locations['params.epochs'];
    expect(location).toEqual({
      file: '<--set>',
      line: 1,
      column: 29,
      length: 2,
    });
  });

  test('invalid path names the argument and the closest path', () => {
    const rendered = renderLoad(BASE, [
      'vars.seed=1',
      'nodes.student.params.epoch=3',
    ]);
    expect(rendered).toContain(
      [
        '<--set>:2:1: error: `--set` argument `nodes.student.params.epoch=3` names the path `nodes.student.params.epoch`, which does not exist (`nodes.student.params` exists). Did you mean `nodes.student.params.epochs`?',
        ' 2 | --set nodes.student.params.epoch=3',
        '   |       ^~~~~~~~~~~~~~~~~~~~~~~~~~',
      ].join('\n'),
    );
  });

  test('unknown var path suggests', () => {
    expect(renderLoad(BASE, ['vars.sed=1'])).toContain(
      'names the path `vars.sed`, which does not exist (`vars` exists). Did you mean `vars.seed`?',
    );
  });

  test('argument without equals sign', () => {
    const rendered = renderLoad(BASE, ['vars.seed']);
    expect(rendered).toContain(
      '<--set>:1:1: error: `--set` argument `vars.seed` is malformed: write `--set PATH=VALUE`, for example `--set vars.seed=7`.',
    );
  });

  test('invalid value points into the argument', () => {
    const rendered = renderLoad(BASE, ['nodes.student.params.epochs=abc']);
    expect(rendered).toContain(
      [
        '<--set>:1:29: error: Param `epochs` of node `student` must be an integer >= 1 and <= 1000.',
        ' 1 | --set nodes.student.params.epochs=abc',
        '   |                                   ^~~',
        '  expected: an integer >= 1 and <= 1000',
        '  received: "abc" (string)',
      ].join('\n'),
    );
  });

  test('NaN value is rejected', () => {
    expect(renderLoad(BASE, ['vars.seed=.nan'])).toContain(
      '<--set>:1:11: error: NaN and infinite numbers are not allowed',
    );
  });

  test('malformed YAML value', () => {
    expect(renderLoad(BASE, ['vars.seed=[1,'])).toMatch(
      /<--set>:1:\d+: error: Invalid YAML: /,
    );
  });
});
