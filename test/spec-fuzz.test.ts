import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PipelineError, resolvePipeline } from '../src/spec/index.js';
import { fakeRegistry } from './fixtures/pipelines/fake-types.js';
import { BASE, load } from './fixtures/pipelines/helpers.js';

const fixture = (name: string) =>
  readFileSync(
    new URL(`./fixtures/pipelines/${name}`, import.meta.url),
    'utf8',
  );

const TEXTS = [BASE, fixture('valid.yaml'), fixture('variants.yaml')];

/** Values that tend to break loaders: junk, NaN, huge numbers, paths. */
const nastyValue = fc.oneof(
  fc.constantFrom(
    '.nan',
    '.inf',
    '-.inf',
    '1e999',
    '99999999999999999999',
    '../x',
    '/abs',
    '"${vars.nope}"',
    '${',
    '[',
    '{a: }',
    '*a',
    '&a',
    '!!binary x',
    '~',
    '""',
    '- x',
    '? a',
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.string({ maxLength: 12 }),
);

type Mutation =
  | { kind: 'delete'; line: number }
  | { kind: 'duplicate'; line: number }
  | { kind: 'scalar'; line: number; value: string }
  | { kind: 'insert'; line: number; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat() }),
  fc.record({
    kind: fc.constant('scalar' as const),
    line: fc.nat(),
    value: nastyValue,
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    line: fc.nat(),
    value: nastyValue,
  }),
);

function mutate(text: string, mutations: Mutation[]): string {
  const lines = text.split('\n');

  for (const change of mutations) {
    const index = change.line % lines.length;
    if (change.kind === 'delete') lines.splice(index, 1);
    else if (change.kind === 'duplicate') lines.splice(index, 0, lines[index]);
    else if (change.kind === 'insert') lines.splice(index, 0, change.value);
    // Replace the value after the last `: ` on the line, or the whole line.
    else
      lines[index] = lines[index].replace(/(:\s)[^:]*$/, `$1${change.value}`);
    if (lines.length === 0) lines.push('');
  }

  return lines.join('\n');
}

const setArgument = fc.oneof(
  fc.constantFrom(
    'vars.seed=7',
    'nodes.student.params.epochs=.nan',
    'nodes.x.params.y=1',
    'vars.seed',
    '=1',
    'name=[a',
    'nodes.student.params.epochs=3',
  ),
  fc.string({ maxLength: 20 }),
);

describe('mutated pipeline files', () => {
  test('load and resolve fail only with located pipeline errors', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TEXTS),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(setArgument, { maxLength: 2 }),
        fc.boolean(),
        (text, mutations, overrides, allVariants) => {
          const mutated = mutate(text, mutations);

          try {
            const spec = load(mutated, overrides);
            const useAll = allVariants && spec.variants.length > 0;
            const resolved = resolvePipeline(spec, {
              registry: fakeRegistry,
              allVariants: useAll,
            });
            expect(resolved.nodes.length).toBeGreaterThan(0);
          } catch (error) {
            if (!(error instanceof PipelineError)) throw error;
            const rendered = error.render();
            expect(error.diagnostics.length).toBeGreaterThan(0);
            expect(rendered).toMatch(/(pipe\.yaml|<--set>):\d+:\d+: error: /);
            expect(rendered).not.toContain('undefined');
          }
        },
      ),
      { numRuns: 400, seed: 20_261_204 },
    );
  });
});
