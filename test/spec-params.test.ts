import { describe, expect, test } from 'vitest';
import { fakeRegistry } from './fixtures/pipelines/fake-types.js';
import { loadAndResolve, renderLoad } from './fixtures/pipelines/helpers.js';

function studentParams(params: string): Record<string, unknown> {
  const text = `name: x\nnodes:\n  d:\n    type: load-data\n    params: { dataset: ml-100k }\n  s:\n    type: pretrain-student\n    params: ${params}\n    inputs: { dataset: d }\n`;
  return loadAndResolve(text).nodes.find((node) => node.name === 's')!.params;
}

describe('param resolution', () => {
  test('defaults are filled in', () => {
    expect(studentParams('{}')).toEqual({
      seed: 0,
      epochs: 20,
      learningRate: 0.001,
      hiddenUnits: [64],
      tag: 'run',
      optimizer: { name: 'adam', beta1: 0.9 },
      verbose: false,
    });
  });

  test('writing defaults explicitly changes nothing', () => {
    const explicit = studentParams(
      '{ seed: 0, epochs: 20, learningRate: 0.001, hiddenUnits: [64], tag: run, optimizer: { name: adam, beta1: 0.9 }, verbose: false }',
    );
    expect(explicit).toEqual(studentParams('{}'));
    expect(JSON.stringify(explicit)).toBe(JSON.stringify(studentParams('{}')));
  });

  test('partial object param gets the other defaults', () => {
    expect(studentParams('{ optimizer: { name: sgd } }').optimizer).toEqual({
      name: 'sgd',
      beta1: 0.9,
    });
  });

  test('key order in the file does not change resolved params', () => {
    const a = studentParams('{ epochs: 3, seed: 1 }');
    const b = studentParams('{ seed: 1, epochs: 3 }');
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  test('resolved defaults are fresh copies', () => {
    const first = studentParams('{}');
    (first.hiddenUnits as number[]).push(1);
    expect(studentParams('{}').hiddenUnits).toEqual([64]);
    const schema = fakeRegistry.get('pretrain-student')!.params.hiddenUnits;
    expect(schema.default).toEqual([64]);
  });

  test('empty params section is allowed', () => {
    expect(studentParams('').epochs).toBe(20);
  });

  test('list param given a scalar', () => {
    const text =
      'name: x\nnodes:\n  a:\n    type: evaluate\n    params: { cutoffs: 10 }\n';
    const rendered = renderLoad(text);
    expect(rendered).toContain(
      'pipe.yaml:5:24: error: Param `cutoffs` of node `a` must be a list.',
    );
    expect(rendered).toContain('  expected: a list, each an integer >= 1');
  });

  test('params must be a mapping', () => {
    expect(
      renderLoad('name: x\nnodes:\n  a:\n    type: shell\n    params: [1]\n'),
    ).toContain(
      'pipe.yaml:5:13: error: The `params` of node `a` must be a mapping.',
    );
  });

  test('multiple input given one name becomes a list', () => {
    const text =
      'name: x\nnodes:\n  d:\n    type: load-data\n    params: { dataset: ml-100k }\n  e:\n    type: evaluate\n    inputs: { dataset: d, models: d2, baseline: d2 }\n  d2:\n    type: shell\n';
    const rendered = renderLoad(text);
    expect(rendered).toContain(
      'error: Input `models` of node `e` needs a `model` artifact, but node `d2` (type `shell`) produces `files`.',
    );
    expect(rendered).toContain(
      'error: Input `baseline` of node `e` needs one of the kinds `model` or `report` artifact',
    );
  });

  test('node listed twice in one input', () => {
    const text =
      'name: x\nnodes:\n  a: { type: shell }\n  b:\n    type: shell\n    inputs: { after: [a, a] }\n';
    expect(renderLoad(text)).toContain(
      'pipe.yaml:6:26: error: Input `after` of node `b` lists node `a` twice: remove one.',
    );
  });

  test('empty list for a required multiple input', () => {
    const text =
      'name: x\nnodes:\n  d:\n    type: load-data\n    params: { dataset: ml-100k }\n  e:\n    type: evaluate\n    inputs: { dataset: d, models: [] }\n';
    expect(renderLoad(text)).toContain(
      'error: Node `e` is missing the required input `models`: add it under `inputs` with at least one node.',
    );
  });
});
