import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { resolvePipeline } from '../src/spec/index.js';
import { fakeRegistry } from './fixtures/pipelines/fake-types.js';
import {
  BASE,
  load,
  loadAndResolve,
  pipelineError,
  renderLoad,
} from './fixtures/pipelines/helpers.js';

const SWEEP = readFileSync(
  new URL('./fixtures/pipelines/variants.yaml', import.meta.url),
  'utf8',
);

describe('variants', () => {
  test('matrix and named variants expand with readable names', () => {
    expect(load(SWEEP).variants.map((variant) => variant.name)).toEqual([
      'seed=1,init=embedding-head',
      'seed=1,init=random',
      'seed=2,init=embedding-head',
      'seed=2,init=random',
      'seed=3,init=embedding-head',
      'seed=3,init=random',
      'small-teacher',
    ]);
  });

  test('variant overrides are recorded by path', () => {
    const variants = load(SWEEP).variants;
    expect(variants[3].overrides).toEqual({
      'vars.seed': 2,
      'nodes.teacher.params.init': 'random',
    });
    expect(variants[6].overrides).toEqual({ 'nodes.teacher.params.blocks': 2 });
  });

  test('all variants plan every node of each', () => {
    const resolved = loadAndResolve(SWEEP, { allVariants: true });
    expect(resolved.variants).toHaveLength(7);
    expect(resolved.nodes).toHaveLength(21);
    expect(resolved.nodes.slice(0, 2).map((node) => node.id)).toEqual([
      'data@seed=1,init=embedding-head',
      'data@seed=1,init=random',
    ]);
  });

  test('one variant applies its overrides', () => {
    const resolved = loadAndResolve(SWEEP, { variant: 'seed=2,init=random' });
    const byName = new Map(resolved.nodes.map((node) => [node.name, node]));
    expect(resolved.variants).toEqual(['seed=2,init=random']);
    expect(byName.get('student')!.params.seed).toBe(2);
    expect(byName.get('teacher')!.params.init).toBe('random');
    expect(byName.get('teacher')!.id).toBe('teacher@seed=2,init=random');
    expect(byName.get('teacher')!.inputs).toEqual({
      dataset: 'data@seed=2,init=random',
      student: 'student@seed=2,init=random',
    });
  });

  test('named variant keeps base values', () => {
    const resolved = loadAndResolve(SWEEP, { variant: 'small-teacher' });
    const byName = new Map(resolved.nodes.map((node) => [node.name, node]));
    expect(byName.get('student')!.params.seed).toBe(42);
    expect(byName.get('teacher')!.params).toEqual({
      blocks: 2,
      init: 'embedding-head',
    });
  });

  test('--set applies on top of every variant', () => {
    const resolved = loadAndResolve(SWEEP, { allVariants: true }, [
      'vars.seed=9',
    ]);
    const seeds = resolved.nodes
      .filter((node) => node.name === 'student')
      .map((node) => node.params.seed);
    expect(seeds).toEqual([9, 9, 9, 9, 9, 9, 9]);
  });

  test('no selection resolves every variant', () => {
    const resolved = loadAndResolve(SWEEP);
    expect(resolved.variants).toEqual(load(SWEEP).variants.map((v) => v.name));
    expect(resolved.nodes).toHaveLength(21);
  });

  test('variant and all variants conflict', () => {
    const spec = load(SWEEP);
    const error = pipelineError(() =>
      resolvePipeline(spec, {
        variant: 'small-teacher',
        allVariants: true,
        registry: fakeRegistry,
      }),
    );
    expect(error.diagnostics[0].reason).toBe('conflicting-options');
    expect(error.render()).toContain(
      'pipe.yaml:16:1: error: Both `--variant` and `--all-variants` were given: pass only one of them.',
    );
  });

  test('all variants without variants is the base', () => {
    const resolved = loadAndResolve(BASE, { allVariants: true });
    expect(resolved.variants).toEqual([null]);
    expect(resolved.nodes.map((node) => node.id)).toEqual([
      'data',
      'student',
      'evaluate',
    ]);
  });

  test('unknown variant lists the available ones', () => {
    const spec = load(SWEEP);
    const rendered = pipelineError(() =>
      resolvePipeline(spec, { variant: 'big', registry: fakeRegistry }),
    ).render();
    expect(rendered).toContain(
      'pipe.yaml:16:1: error: Unknown variant `big`: pass one the pipeline declares.',
    );
    expect(rendered).toContain('`small-teacher`');
  });

  test('variant option without variants is an error', () => {
    const spec = load(BASE);
    const error = pipelineError(() =>
      resolvePipeline(spec, { variant: 'x', registry: fakeRegistry }),
    );
    expect(error.diagnostics[0].reason).toBe('no-variants');
    expect(error.render()).toContain(
      'pipe.yaml:1:1: error: `--variant x` was given, but the pipeline declares no variants: drop the option.',
    );
  });

  test('pipeline without variants uses plain ids', () => {
    const resolved = loadAndResolve(BASE);
    expect(resolved.variants).toEqual([null]);
    expect(resolved.nodes.map((node) => node.id)).toEqual([
      'data',
      'student',
      'evaluate',
    ]);
    expect(resolved.nodes[2].inputs).toEqual({
      dataset: 'data',
      models: ['student'],
    });
  });

  test('invalid matrix path suggests', () => {
    const text = SWEEP.replace(
      'nodes.teacher.params.init:',
      'nodes.teacher.params.int:',
    );
    const rendered = renderLoad(text);
    expect(rendered).toContain(
      'pipe.yaml:19:5: error: Matrix path `nodes.teacher.params.int` names the path `nodes.teacher.params.int`, which does not exist (`nodes.teacher.params` exists). Did you mean `nodes.teacher.params.init`?',
    );
  });

  test('invalid named override path', () => {
    const text = SWEEP.replace(
      'nodes.teacher.params.blocks',
      'nodes.teachr.params.blocks',
    );
    expect(renderLoad(text)).toContain(
      'error: Variant `small-teacher` names the path `nodes.teachr.params.blocks`, which does not exist',
    );
  });

  test('bad value in some variants names them', () => {
    const text = SWEEP.replace(
      '[embedding-head, random]',
      '[embedding-head, randm]',
    );
    const rendered = renderLoad(text);
    expect(rendered).toContain(
      'pipe.yaml:19:49: error: Param `init` of node `teacher` does not allow `randm`. Did you mean `random`? (in variants `seed=1,init=randm`, `seed=2,init=randm`, `seed=3,init=randm`)',
    );
    expect(rendered).toContain('Found 1 error in the pipeline.');
  });

  test('duplicate variant names show both places', () => {
    const text = SWEEP.replace('[1, 2, 3]', '[1, 2, "1"]');
    const rendered = renderLoad(text);
    expect(rendered).toContain(
      'pipe.yaml:18:23: error: Two variants are named `seed=1,init=embedding-head`',
    );
    expect(rendered).toContain('pipe.yaml:18:17: note: first defined here');
  });

  test('matrix values must be a non-empty list', () => {
    const rendered = renderLoad(SWEEP.replace('[1, 2, 3]', '[]'));
    expect(rendered).toContain(
      'pipe.yaml:18:16: error: Matrix path `vars.seed` must have a non-empty list of values.',
    );
  });

  test('matrix past the variant limit', () => {
    const values = `[${Array.from({ length: 40 }, (_, index) => index).join(', ')}]`;
    const text = SWEEP.replace('[1, 2, 3]', values).replace(
      '[embedding-head, random]',
      `[${Array(30)
        .fill('random')
        .map((v, i) => `${v}${i}`)
        .join(', ')}]`,
    );
    expect(renderLoad(text)).toContain(
      'pipe.yaml:17:3: error: The matrix expands to 1200 variants (40 x 30), more than the limit of 1000: sweep fewer values.',
    );
  });

  test('paths sharing a last segment get longer labels', () => {
    const text = `name: x\nvars: { seed: 1 }\nnodes:\n  s:\n    type: pretrain-student\n    params: { seed: 2 }\n    inputs: { dataset: d }\n  d:\n    type: load-data\n    params: { dataset: ml-100k }\nvariants:\n  matrix:\n    vars.seed: [1]\n    nodes.s.params.seed: [5]\n`;
    expect(load(text).variants.map((variant) => variant.name)).toEqual([
      'vars.seed=1,params.seed=5',
    ]);
  });

  test('invalid named variant name', () => {
    const text = SWEEP.replace('small-teacher:', '"../x":');
    expect(renderLoad(text)).toContain('error: Variant name `../x` is invalid');
  });
});
