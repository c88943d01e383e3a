import { describe, expect, test } from 'vitest';
import {
  BASE,
  pipelineError,
  load,
  renderLoad,
} from './fixtures/pipelines/helpers.js';

/**
 * Returns the rendered block of the error reported at `at` (a
 * `file:line:col` string): its header and the lines up to the next blank
 * line.
 */
function block(rendered: string, at: string): string {
  const start = rendered.indexOf(`${at}: error: `);
  expect(start, `no error at ${at} in:\n${rendered}`).toBeGreaterThanOrEqual(0);
  const end = rendered.indexOf('\n\n', start);
  return rendered.slice(start, end < 0 ? undefined : end);
}

/** Replaces a line of BASE that contains `find` with `replacement`. */
function edit(find: string, replacement: string): string {
  const lines = BASE.split('\n');
  const index = lines.findIndex((line) => line.includes(find));
  expect(index).toBeGreaterThanOrEqual(0);
  lines[index] = replacement;
  return lines.join('\n');
}

describe('rendered pipeline errors', () => {
  test('unknown node type suggests and lists types', () => {
    const text = edit('type: load-data', '    type: load-dta');
    const rendered = block(renderLoad(text), 'pipe.yaml:6:11');
    expect(rendered).toBe(
      [
        'pipe.yaml:6:11: error: Unknown node type `load-dta` in node `data`. Did you mean `load-data`?',
        ' 6 |     type: load-dta',
        '   |           ^~~~~~~~',
        '  expected: `evaluate`, `init-teacher-from-student`, `load-data`, `pretrain-student` or `shell`',
        '  received: "load-dta" (string)',
      ].join('\n'),
    );
  });

  test('unknown param suggests the closest', () => {
    const text = edit('epochs: 10', '    params: { seed: 1, epoch: 10 }');
    const rendered = block(renderLoad(text), 'pipe.yaml:10:24');
    expect(rendered).toContain(
      'Unknown param `epoch` in node `student`: node type `pretrain-student` has no such param. Did you mean `epochs`?',
    );
    expect(rendered).toContain(
      ' 10 |     params: { seed: 1, epoch: 10 }\n    |                        ^~~~~\n',
    );
    expect(rendered).toContain('  received: "epoch"');
  });

  test('missing required param points at params', () => {
    const text = edit(
      'dataset: ml-100k',
      '    params: { minUserInteractions: 3 }',
    );
    const rendered = block(renderLoad(text), 'pipe.yaml:7:5');
    expect(rendered).toContain(
      'error: Node `data` is missing the required param `dataset`: add it under `params`.',
    );
    expect(rendered).toContain(
      '  expected: `dataset`: one of `ml-100k` or `ml-latest-small` (Dataset name.)',
    );
  });

  test('missing params section points at the node', () => {
    const text = edit('dataset: ml-100k', '');
    expect(block(renderLoad(text), 'pipe.yaml:5:3')).toContain(
      'missing the required param `dataset`',
    );
  });

  test.each([
    [
      'wrong type',
      'epochs: "ten"',
      'pipe.yaml:10:32',
      'Param `epochs` of node `student` must be an integer >= 1 and <= 1000.',
      '"ten" (string)',
      '^~~~~',
    ],
    [
      'fraction for integer',
      'epochs: 2.5',
      'pipe.yaml:10:32',
      'Param `epochs` of node `student` must be an integer.',
      '2.5 (number)',
      '^~~',
    ],
    [
      'above max',
      'epochs: 5000',
      'pipe.yaml:10:32',
      'Param `epochs` of node `student` is out of range: it must be an integer >= 1 and <= 1000.',
      '5000 (number)',
      '^~~~',
    ],
    [
      'below min',
      'epochs: 0',
      'pipe.yaml:10:32',
      'is out of range: it must be an integer >= 1 and <= 1000.',
      '0 (number)',
      '^',
    ],
    [
      'exclusive min',
      'learningRate: 0',
      'pipe.yaml:10:38',
      'Param `learningRate` of node `student` is out of range: it must be a number > 0.',
      '0 (number)',
      '^',
    ],
    [
      'huge integer',
      'epochs: 1e300',
      'pipe.yaml:10:32',
      'must be an integer between -(2^53 - 1) and 2^53 - 1.',
      '1e+300 (number)',
      '^~~~~',
    ],
    [
      'pattern',
      'tag: Abc',
      'pipe.yaml:10:29',
      'Param `tag` of node `student` does not match the pattern /^[a-z]+$/.',
      '"Abc" (string)',
      '^~~',
    ],
    [
      'boolean',
      'verbose: yes',
      'pipe.yaml:10:33',
      'Param `verbose` of node `student` must be a boolean (`true` or `false`).',
      '"yes" (string)',
      '^~~',
    ],
  ])('%s', (_name, param, at, message, received, underline) => {
    const text = edit('epochs: 10', `    params: { seed: 1, ${param} }`);
    const rendered = block(renderLoad(text), at);
    expect(rendered).toContain(message);
    expect(rendered).toContain(`  received: ${received}`);
    const column = Number(at.split(':')[2]);
    expect(rendered).toContain(
      `\n    | ${' '.repeat(column - 1)}${underline}\n`,
    );
  });

  test('enum value not allowed suggests', () => {
    const text = edit('dataset: ml-100k', '    params: { dataset: ml-10k }');
    const rendered = block(renderLoad(text), 'pipe.yaml:7:24');
    expect(rendered).toContain(
      'Param `dataset` of node `data` does not allow `ml-10k`. Did you mean `ml-100k`?',
    );
    expect(rendered).toContain(
      '  expected: one of `ml-100k` or `ml-latest-small`',
    );
  });

  test('nested object and array params are checked', () => {
    const text = edit(
      'epochs: 10',
      '    params: { optimizer: { name: adan, beta1: 2, extra: 1 }, hiddenUnits: [8, 0] }',
    );
    const rendered = renderLoad(text);
    expect(rendered).toContain(
      'pipe.yaml:10:34: error: Param `optimizer.name` of node `student` does not allow `adan`. Did you mean `adam`?',
    );
    expect(rendered).toContain(
      'pipe.yaml:10:47: error: Param `optimizer.beta1` of node `student` is out of range: it must be a number >= 0 and <= 1.',
    );
    expect(rendered).toContain(
      'pipe.yaml:10:50: error: Unknown param `optimizer.extra` in node `student`: param `optimizer` has no such param.',
    );
    expect(rendered).toContain(
      'pipe.yaml:10:79: error: Param `hiddenUnits.1` of node `student` is out of range: it must be an integer >= 1.',
    );
  });

  test('NaN and infinity are rejected anywhere', () => {
    const text = BASE.replace(
      '  seed: 42',
      '  seed: 42\n  unused: .nan',
    ).replace('epochs: 10', 'epochs: -.inf');
    const rendered = renderLoad(text);
    expect(block(rendered, 'pipe.yaml:4:11')).toContain(
      'NaN and infinite numbers are not allowed in pipeline files: write a finite number.',
    );
    expect(block(rendered, 'pipe.yaml:4:11')).toContain(
      '  received: NaN (number)',
    );
    expect(block(rendered, 'pipe.yaml:11:45')).toContain(
      '  received: -Infinity (number)',
    );
    expect(rendered).toContain('Found 2 errors in the pipeline.');
  });

  test('unknown input name suggests', () => {
    const text = edit(
      'inputs: { dataset: data }',
      '    inputs: { datset: data }',
    );
    const rendered = renderLoad(text);
    expect(block(rendered, 'pipe.yaml:11:15')).toContain(
      'Unknown input `datset` in node `student`: node type `pretrain-student` has no such input. Did you mean `dataset`?',
    );
    expect(block(rendered, 'pipe.yaml:11:5')).toContain(
      'Node `student` is missing the required input `dataset`: add it under `inputs`.',
    );
  });

  test('missing required input without inputs section', () => {
    const text = edit('inputs: { dataset: data }', '');
    const rendered = block(renderLoad(text), 'pipe.yaml:8:3');
    expect(rendered).toContain(
      'Node `student` is missing the required input `dataset`',
    );
    expect(rendered).toContain(
      '  expected: `dataset`: a node producing `dataset` (Training data.)',
    );
  });

  test('input referring to no node suggests', () => {
    const text = edit(
      'models: [student]',
      '    inputs: { dataset: data, models: [studnt] }',
    );
    const rendered = block(renderLoad(text), 'pipe.yaml:14:39');
    expect(rendered).toContain(
      'Input `models` of node `evaluate` refers to node `studnt`, which does not exist. Did you mean `student`?',
    );
    expect(rendered).toContain(
      '    |                                       ^~~~~~',
    );
  });

  test('input kind mismatch notes the producer', () => {
    const text = edit(
      'inputs: { dataset: data }',
      '    inputs: { dataset: evaluate }',
    );
    const rendered = block(renderLoad(text), 'pipe.yaml:11:24');
    expect(rendered).toContain(
      'Input `dataset` of node `student` needs a `dataset` artifact, but node `evaluate` (type `evaluate`) produces `report`.',
    );
    expect(rendered).toContain(
      'pipe.yaml:12:3: note: node `evaluate` is defined here',
    );
  });

  test('list given to a single input', () => {
    const text = edit(
      'inputs: { dataset: data }',
      '    inputs: { dataset: [data] }',
    );
    const rendered = block(renderLoad(text), 'pipe.yaml:11:24');
    expect(rendered).toContain(
      'Input `dataset` of node `student` takes one node, not a list: name a single node.',
    );
    expect(rendered).toContain('  received: ["data"] (list)');
  });

  test('duplicate node shows both definitions', () => {
    const text = `${BASE}  data:\n    type: shell\n`;
    const rendered = block(renderLoad(text), 'pipe.yaml:15:3');
    expect(rendered).toBe(
      [
        'pipe.yaml:15:3: error: Node `data` is defined twice: rename one of them.',
        ' 15 |   data:',
        '    |   ^~~~',
        'pipe.yaml:5:3: note: first defined here',
        ' 5 |   data:',
        '   |   ^~~~',
      ].join('\n'),
    );
  });

  test('duplicate key shows both places', () => {
    const text = edit(
      'dataset: ml-100k',
      '    params: { dataset: ml-100k, dataset: ml-latest-small }',
    );
    const rendered = block(renderLoad(text), 'pipe.yaml:7:33');
    expect(rendered).toContain(
      'Key `dataset` is written twice in `nodes.data.params`: keep one.',
    );
    expect(rendered).toContain('pipe.yaml:7:15: note: first defined here');
  });

  test('cycle prints the path and every node', () => {
    const cyclic = `name: loop
nodes:
  a:
    type: shell
    inputs: { after: [c] }
  b:
    type: shell
    inputs: { after: [a] }
  c:
    type: shell
    inputs: { after: [b] }
`;
    const rendered = block(renderLoad(cyclic), 'pipe.yaml:3:3');
    expect(rendered).toBe(
      [
        'pipe.yaml:3:3: error: Nodes `a`, `b` and `c` form a cycle through their inputs: a -> b -> c -> a. Remove one of these inputs.',
        ' 3 |   a:',
        '   |   ^',
        'pipe.yaml:8:23: note: node `b` reads `a` here',
        ' 8 |     inputs: { after: [a] }',
        '   |                       ^',
        'pipe.yaml:11:23: note: node `c` reads `b` here',
        ' 11 |     inputs: { after: [b] }',
        '    |                       ^',
        'pipe.yaml:5:23: note: node `a` reads `c` here',
        ' 5 |     inputs: { after: [c] }',
        '   |                       ^',
      ].join('\n'),
    );
  });

  test('self reference is a cycle', () => {
    const text =
      'name: x\nnodes:\n  a:\n    type: shell\n    inputs: { after: [a] }\n';
    expect(renderLoad(text)).toContain(
      'pipe.yaml:3:3: error: Node `a` reads its own output: a -> a. Remove this input.',
    );
  });

  test.each(['../x', '/abs', 'a/b', '1st', 'x'.repeat(65)])(
    'node name %s is rejected',
    (name) => {
      const text = `name: x\nnodes:\n  ${JSON.stringify(name)}:\n    type: shell\n`;
      const rendered = block(renderLoad(text), 'pipe.yaml:3:3');
      expect(rendered).toContain(
        `Node name \`${name}\` is invalid: a name starts with a letter and has only letters, digits, \`_\` and \`-\`, so it is safe as a file name.`,
      );
      expect(rendered).toContain(
        '  expected: a name matching /^[A-Za-z][A-Za-z0-9_-]{0,63}$/',
      );
    },
  );

  test('too many nodes', () => {
    const nodes = Array.from(
      { length: 10_001 },
      (_, index) => `  n${index}: { type: shell }`,
    ).join('\n');
    const rendered = renderLoad(`name: big\nnodes:\n${nodes}\n`);
    expect(rendered).toContain(
      'pipe.yaml:2:1: error: The pipeline has 10001 nodes, more than the limit of 10000: split it into several pipelines.',
    );
  });

  test('deep nesting is capped', () => {
    const deep = `${'['.repeat(70)}1${']'.repeat(70)}`;
    const text = edit(
      'epochs: 10',
      `    params: { seed: 1 }\n    description: ${deep}`,
    );
    expect(renderLoad(text)).toMatch(
      /pipe\.yaml:11:\d+: error: Values are nested more than 64 levels deep/,
    );
  });

  test('alias bombs are capped', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let index = 1; index < 7; index++) {
      const previous = String.fromCharCode(96 + index);
      const name = String.fromCharCode(97 + index);
      levels.push(
        `${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`,
      );
    }
    const text = `name: bomb\nvars:\n${levels.map((line) => `  ${line}`).join('\n')}\nnodes:\n  a: { type: shell }\n`;
    expect(renderLoad(text)).toContain(
      'error: The file expands to more than 300000 values',
    );
  });

  test('malformed YAML renders its position', () => {
    const text = edit('epochs: 10', '    params: { seed: 1, epochs: [10 }');
    const rendered = renderLoad(text);
    expect(rendered).toMatch(/^pipe\.yaml:10:\d+: error: Invalid YAML: /);
    expect(rendered).toContain(' 10 |     params: { seed: 1, epochs: [10 }');
  });

  test('unknown top-level key suggests', () => {
    const rendered = block(
      renderLoad(BASE.replace('vars:', 'varz:')),
      'pipe.yaml:2:1',
    );
    expect(rendered).toContain(
      'Unknown top-level key `varz`. Did you mean `vars`?',
    );
    expect(rendered).toContain(
      '  expected: `name`, `description`, `vars`, `nodes` or `variants`',
    );
  });

  test('missing name and empty nodes', () => {
    const rendered = renderLoad('nodes: {}\n');
    expect(rendered).toContain(
      'pipe.yaml:1:1: error: The pipeline file has no `name`: add a top-level `name:`.',
    );
    expect(rendered).toContain(
      'pipe.yaml:1:1: error: `nodes` is empty: declare at least one node.',
    );
  });

  test('a file that is not a mapping', () => {
    expect(renderLoad('- a\n- b\n')).toContain(
      'pipe.yaml:1:1: error: A pipeline file must be a mapping with `name` and `nodes` at the top level.',
    );
  });

  test('unknown node keys and missing type', () => {
    const rendered = renderLoad('name: x\nnodes:\n  a:\n    typ: shell\n');
    expect(rendered).toContain(
      'pipe.yaml:4:5: error: Unknown key `typ` in node `a`. Did you mean `type`?',
    );
    expect(rendered).toContain(
      'pipe.yaml:3:3: error: Node `a` has no `type`: add `type: NODE_TYPE`.',
    );
  });

  test('every problem is reported at once', () => {
    const text = edit('type: load-data', '    type: load-dta')
      .replace('epochs: 10', 'epochs: 0')
      .replace('[student]', '[studnt]');
    const error = pipelineError(() => load(text));
    expect(error.diagnostics.map((item) => item.reason)).toEqual([
      'unknown-node-type',
      'out-of-range',
      'unknown-node-ref',
    ]);
    expect(error.code).toBe('PIPELINE_INVALID');
    expect(error.render()).not.toContain('    at ');
  });

  test('rendering stops after max errors', () => {
    const nodes = Array.from(
      { length: 60 },
      (_, index) => `  n${index}: { type: shell, inputs: { after: [x] } }`,
    ).join('\n');
    const error = pipelineError(() => load(`name: x\nnodes:\n${nodes}\n`));
    const rendered = error.render();
    expect(error.diagnostics).toHaveLength(60);
    expect(rendered.match(/: error: /g)).toHaveLength(50);
    expect(rendered).toContain(
      '… 10 more not shown.\n\nFound 60 errors in the pipeline.',
    );
    expect(error.render({ maxErrors: 2 }).match(/: error: /g)).toHaveLength(2);
  });

  test('colour output wraps the error label', () => {
    const error = pipelineError(() =>
      load(edit('type: load-data', '    type: x')),
    );
    expect(error.render({ color: true })).toContain('\u001b[31merror\u001b[0m');
    expect(error.render()).not.toContain('\u001b[');
  });

  test('unreadable file renders its path', async () => {
    const { loadPipeline } = await import('../src/spec/index.js');
    const { fakeRegistry } = await import('./fixtures/pipelines/fake-types.js');
    const error = await loadPipeline('test/fixtures/pipelines/missing.yaml', {
      registry: fakeRegistry,
    }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('PipelineError');
    expect((error as { render(): string }).render()).toContain(
      'test/fixtures/pipelines/missing.yaml:1:1: error: Cannot read the pipeline file (ENOENT)',
    );
  });
});
