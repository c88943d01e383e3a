/**
 * A property test through the CLI: a load-data pipeline with random
 * parameter values either runs or exits with a clear error (exit 1 or 2,
 * an `error:` or `failed` line), never an uncaught exception or a stack
 * trace. Each case starts the real command, so the run count is small.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../bench/reliability/cli-process.js';
import { DATA_DIR, tempFolder } from './fixtures/reliability/helpers.js';

const STACK_LINE = /^\s+at .+[(:]\d+/m;

const anyValue = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.double({ noDefaultInfinity: false }),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);

// Known params and a misspelt one. `dataset` stays ml-100k so no case
// makes the node download another dataset.
const paramNames = [
  'sliceUsers',
  'minRating',
  'minUserInteractions',
  'minItemInteractions',
  'maxHistory',
  'columns',
  'encoding',
  'sliceUser',
];

describe('CLI on random params', () => {
  it(
    'runs or fails cleanly',
    async () => {
      const folder = await tempFolder('distillery-fuzz-');
      let index = 0;
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.dictionary(fc.constantFrom(...paramNames), anyValue, {
              maxKeys: 3,
            }),
            async (params) => {
              index += 1;
              const file = join(folder.dir, `case-${index}.yaml`);
              const nodes = {
                data: {
                  type: 'load-data',
                  params: { dataset: 'ml-100k', sliceUsers: 20, ...params },
                },
              };
              await writeFile(file, stringify({ name: 'fuzz', nodes }));
              const exit = await runCli([
                'run',
                file,
                '--store',
                join(folder.dir, 'store'),
                '--ui',
                'plain',
                '--data-dir',
                DATA_DIR,
              ]);
              const output = exit.stdout + exit.stderr;
              expect([0, 1, 2], output).toContain(exit.code);
              expect(output).not.toMatch(STACK_LINE);
              if (exit.code === 2) {
                expect(output).toMatch(/case-\d+\.yaml:\d+:\d+: error: /);
              }
              if (exit.code === 1) expect(output).toMatch(/^failed {3}data/m);
            },
          ),
          { numRuns: 8, seed: 20261204 },
        );
      } finally {
        await folder.cleanup();
      }
    },
    240_000,
  );
});
