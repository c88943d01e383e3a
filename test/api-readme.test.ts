import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * Runs the API example of docs/extending.md verbatim as a script. Its
 * folder is inside the repository (under the ignored `tmp/`), because a
 * script outside it could not import `distillery`: the name resolves
 * through the package's own `exports`, as it would in a user's project
 * through node_modules.
 */
const REPO = resolve('.');
let dir: string;

beforeEach(async () => {
  await mkdir(join(REPO, 'tmp'), { recursive: true });
  dir = await mkdtemp(join(REPO, 'tmp', 'api-readme-'));
  await writeFile(join(dir, 'example.ts'), await docsExample());
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function docsExample(): Promise<string> {
  const docs = await readFile(join(REPO, 'docs/extending.md'), 'utf8');
  const block = /<!-- api-example:start -->\n```ts\n([\s\S]*?)```\n<!-- api-example:end -->/.exec(docs);
  if (!block) throw new Error('docs/extending.md has no api-example block');
  return block[1];
}

async function runExample(pipeline: string): Promise<string[]> {
  await writeFile(join(dir, 'pipeline.yaml'), pipeline);
  const result = await execa('node', ['--import', 'tsx', 'example.ts'], {
    cwd: dir,
    reject: false,
  });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return result.stdout.split('\n');
}

const PIPELINE = `
name: api-example
nodes:
  hello:
    type: command
    params:
      cmd: node -e "require('fs').writeFileSync(process.argv[1] + '/hi.txt', 'hi')" {outDir}
  broken:
    type: command
    params: { cmd: node -e "process.exit(4)" }
    inputs: { greeting: hello }
`;

describe('api example in docs/extending.md', () => {
  it('plans, runs and reports a failed node', async () => {
    const first = await runExample(PIPELINE);
    expect(first).toEqual([
      'plan hello: run',
      'plan broken: run',
      'ran hello',
      'run failed: {"ran":1,"cached":0,"failed":1,"cancelled":0,"skipped":0}',
      'failed broken: COMMAND_FAILED',
    ]);

    const second = await runExample(PIPELINE);
    expect(second.slice(0, 2)).toEqual(['plan hello: cached', 'plan broken: run']);
    expect(second).toContain(
      'run failed: {"ran":0,"cached":1,"failed":1,"cancelled":0,"skipped":0}',
    );
  });

  it('prints located pipeline errors', async () => {
    const lines = await runExample(`name: api-example
nodes:
  hello:
    type: command
    params: { cmd: node -e 0, colour: red }
`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^invalid ${join(dir, 'pipeline.yaml')}:5:31: .*\`colour\``),
    );
  });
});
