import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  loadPipeline,
  PipelineError,
  resolvePipeline,
} from '../src/spec/index.js';
import { fakeRegistry } from './fixtures/pipelines/fake-types.js';

const FIXTURES = 'test/fixtures/pipelines';

describe('loading pipeline files', () => {
  test('valid file loads with interpolated vars', async () => {
    const spec = await loadPipeline(`${FIXTURES}/valid.yaml`, {
      registry: fakeRegistry,
    });
    expect(spec.name).toBe('movielens-100k');
    expect(spec.file).toBe(path.resolve(FIXTURES, 'valid.yaml'));
    expect(spec.vars.label).toBe('ml-100k-seed42');
    expect(spec.nodes.map((node) => node.name)).toEqual([
      'data',
      'student',
      'teacher',
      'evaluate',
    ]);
    expect(spec.nodes[1].params).toEqual({ seed: 42, epochs: 200 });
    expect(spec.variants).toEqual([]);
  });

  test('valid file resolves to plain ids', async () => {
    const spec = await loadPipeline(`${FIXTURES}/valid.yaml`, {
      registry: fakeRegistry,
    });
    const resolved = resolvePipeline(spec, { registry: fakeRegistry });
    const evaluate = resolved.nodes[3];
    expect(evaluate.id).toBe('evaluate');
    expect(evaluate.inputs).toEqual({
      dataset: 'data',
      models: ['student', 'teacher'],
    });
    expect(evaluate.location).toMatchObject({ line: 21, column: 3 });
  });

  test('invalid file reports every error', async () => {
    const error = await loadPipeline(`${FIXTURES}/invalid.yaml`, {
      registry: fakeRegistry,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PipelineError);
    const rendered = (error as PipelineError).render();
    const headers = rendered
      .split('\n')
      .filter((line) => line.includes(': error: '))
      .map((line) => line.slice(0, line.indexOf(': error: ')));
    expect(headers).toEqual([
      `${FIXTURES}/invalid.yaml:6:11`,
      `${FIXTURES}/invalid.yaml:9:22`,
      `${FIXTURES}/invalid.yaml:9:36`,
      `${FIXTURES}/invalid.yaml:9:62`,
      `${FIXTURES}/invalid.yaml:9:70`,
      `${FIXTURES}/invalid.yaml:10:24`,
      `${FIXTURES}/invalid.yaml:11:3`,
      `${FIXTURES}/invalid.yaml:13:21`,
      `${FIXTURES}/invalid.yaml:13:36`,
      `${FIXTURES}/invalid.yaml:14:24`,
      `${FIXTURES}/invalid.yaml:14:41`,
      `${FIXTURES}/invalid.yaml:18:3`,
    ]);
  });

  test('message summarizes the first error', async () => {
    const error = await loadPipeline(`${FIXTURES}/invalid.yaml`, {
      registry: fakeRegistry,
    }).catch((caught: unknown) => caught);
    expect((error as PipelineError).message).toBe(
      `${FIXTURES}/invalid.yaml:6:11: Unknown node type \`load-dta\` in node \`data\`. Did you mean \`load-data\`? (and 11 more errors)`,
    );
  });
});

describe('resolving a copied spec', () => {
  test('copied spec resolves the same nodes', async () => {
    const spec = await loadPipeline(`${FIXTURES}/valid.yaml`, {
      registry: fakeRegistry,
    });
    const original = resolvePipeline(spec, { registry: fakeRegistry });
    const copy = resolvePipeline(structuredClone(spec), {
      registry: fakeRegistry,
    });
    expect(
      copy.nodes.map((node) => [node.id, node.params, node.inputs]),
    ).toEqual(
      original.nodes.map((node) => [node.id, node.params, node.inputs]),
    );
  });

  test('copied spec still reports invalid params', async () => {
    const spec = await loadPipeline(`${FIXTURES}/valid.yaml`, {
      registry: fakeRegistry,
    });
    const copy = structuredClone(spec);
    copy.nodes[1].params.epochs = 0;
    const error = (() => {
      try {
        resolvePipeline(copy, { registry: fakeRegistry });
      } catch (caught) {
        return caught as PipelineError;
      }
      throw new Error('expected a PipelineError');
    })();
    expect(error.render()).toContain(
      `${FIXTURES}/valid.yaml:14:45: error: Param \`epochs\` of node \`student\` is out of range`,
    );
  });
});
