/**
 * Bad input through the real CLI: every case exits non-zero with one
 * clear message that points at the file and line (and column, for
 * pipeline files), prints no stack trace, and leaves the store's
 * published artifacts untouched.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../bench/reliability/cli-process.js';
import { checkStore } from '../bench/reliability/store-check.js';
import {
  DATA_DIR,
  snapshotTree,
  tempFolder,
  TINY_PIPELINE,
} from './fixtures/reliability/helpers.js';

const TIMEOUT_MS = 180_000;
const DATA_ONLY = resolve('test/fixtures/reliability/data-only.yaml');
const STACK_LINE = /^\s+at .+[(:]\d+/m;

const DATA_NODE = `name: bad
nodes:
  data:
    type: load-data
`;

/** Pipeline files with an error, its `line:col` and a message excerpt. */
const PIPELINE_CASES: [string, string, string, string][] = [
  [
    'malformed YAML',
    `${DATA_NODE}    params: { dataset: ml-100k, sliceUsers: 30\n`,
    '6:1',
    'Invalid YAML',
  ],
  [
    'wrong type',
    `${DATA_NODE}    params: { sliceUsers: "many" }\n`,
    '5:27',
    'must be an integer >= 0',
  ],
  [
    'unknown key',
    `${DATA_NODE}    params: { slicUsers: 30 }\n`,
    '5:15',
    'Did you mean `sliceUsers`?',
  ],
  [
    'NaN number',
    `${DATA_NODE}    params: { sliceUsers: .nan }\n`,
    '5:27',
    'NaN and infinite numbers are not allowed',
  ],
  [
    'infinite number',
    `${DATA_NODE}    params: { minRating: .inf }\n`,
    '5:26',
    'NaN and infinite numbers are not allowed',
  ],
  [
    'billion epochs',
    `${DATA_NODE}  s:\n    type: pretrain-student\n` +
      `    params: { epochs: 1000000000 }\n    inputs: { dataset: data }\n`,
    '7:23',
    '<= 10000',
  ],
  [
    'negative dimension',
    `${DATA_NODE}  s:\n    type: pretrain-student\n` +
      `    params: { hiddenSize: -8 }\n    inputs: { dataset: data }\n`,
    '7:27',
    '>= 1 and <= 4096',
  ],
  [
    'node name escaping the store',
    'name: bad\nnodes:\n  ../evil:\n    type: load-data\n',
    '3:3',
    'Node name `../evil` is invalid',
  ],
  [
    'absolute node name',
    'name: bad\nnodes:\n  /etc/evil:\n    type: load-data\n',
    '3:3',
    'is invalid',
  ],
  [
    'very deep values',
    `${DATA_NODE}    params: { columns: ${nestedList(100)} }\n`,
    '5:',
    'nested more than 64 levels deep',
  ],
];

/** Data files, the `file:line` prefix expected and a message excerpt. */
const DATA_CASES: [string, string | Buffer, string, string][] = [
  ['empty file', '', 'events.csv:', 'The file has no data rows'],
  [
    'header only',
    'user,item,rating,timestamp\n',
    'events.csv:1:',
    'header line but no data rows',
  ],
  [
    'short row',
    'user,item,rating,timestamp\n1,2,5,1\n7\n',
    'events.csv:3:',
    'Expected at least 2 fields',
  ],
  [
    'invalid encoding',
    Buffer.from(
      'user,item,rating,timestamp\n1,2,5,1\n\xff\xfe,3,4,5\n',
      'latin1',
    ),
    'events.csv:3:',
    'Invalid UTF-8',
  ],
  [
    'users with one interaction',
    'user,item,rating,timestamp\n1,2,5,1\n2,3,4,5\n',
    'events.csv',
    'is left after filtering',
  ],
];

let folder: Awaited<ReturnType<typeof tempFolder>>;
let store: string;

beforeAll(async () => {
  folder = await tempFolder();
  store = join(folder.dir, 'store');
  // A store with a published artifact, so "unchanged" is not trivial.
  const seeded = await runOn(DATA_ONLY, store);
  expect(seeded.code, seeded.stderr).toBe(0);
}, TIMEOUT_MS);

afterAll(() => folder?.cleanup());

describe('bad pipeline files', () => {
  it(
    'each fails at file:line:col, store unchanged',
    async () => {
      const before = await snapshotTree(store);
      const results = await Promise.all(
        PIPELINE_CASES.map(async ([name, text], index) => {
          const file = join(folder.dir, `case-${index}.yaml`);
          await writeFile(file, text);
          return { name, file, exit: await runOn(file, store) };
        }),
      );

      for (const [index, { name, exit }] of results.entries()) {
        const [, , position, excerpt] = PIPELINE_CASES[index];
        const output = exit.stdout + exit.stderr;
        expect(exit.code, `${name}: ${output}`).toBe(2);
        expect(output, name).toContain(`case-${index}.yaml:${position}`);
        expect(output, name).toContain(excerpt);
        expect(output, name).not.toMatch(STACK_LINE);
      }

      expect(await snapshotTree(store)).toEqual(before);
    },
    TIMEOUT_MS,
  );

  it(
    'oversized graph is rejected',
    async () => {
      const lines = ['name: wide', 'nodes:'];
      for (let i = 0; i <= 10_000; i += 1) {
        lines.push(`  n${i}:`, '    type: load-data');
      }

      const file = join(folder.dir, 'wide.yaml');
      await writeFile(file, `${lines.join('\n')}\n`);
      const before = await snapshotTree(store);
      const exit = await runOn(file, store);
      expect(exit.code).toBe(2);
      expect(exit.stderr).toContain('wide.yaml:2:1');
      expect(exit.stderr).toContain('more than the limit of 10000');
      expect(await snapshotTree(store)).toEqual(before);
    },
    TIMEOUT_MS,
  );
});

describe('very deep graphs', () => {
  it(
    '5000-node chain plans',
    async () => {
      const lines = ['name: chain', 'nodes:'];
      for (let i = 0; i < 5000; i += 1) {
        lines.push(`  n${i}:`, '    type: command');
        lines.push('    params: { cmd: "true" }');
        if (i > 0) lines.push(`    inputs: { prev: n${i - 1} }`);
      }

      const file = join(folder.dir, 'chain.yaml');
      await writeFile(file, `${lines.join('\n')}\n`);
      const before = await snapshotTree(store);
      const exit = await runCli(['plan', file, '--store', store]);
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.stdout).toContain('5000 nodes: 0 cached, 5000 to run');
      expect(await snapshotTree(store)).toEqual(before);
    },
    TIMEOUT_MS,
  );
});

describe('bad data files', () => {
  it(
    'each fails at file:line, nothing published',
    async () => {
      const results = await Promise.all(
        DATA_CASES.map(async ([name, content], index) => {
          const dir = join(folder.dir, `data-${index}`);
          await mkdir(dir);
          await writeFile(join(dir, 'events.csv'), content);
          const file = join(dir, 'pipeline.yaml');
          await writeFile(
            file,
            `${DATA_NODE}    params:\n      dataset: file\n` +
              '      path: events.csv\n      minUserInteractions: 1\n',
          );
          const caseStore = join(dir, 'store');
          return { name, caseStore, exit: await runOn(file, caseStore) };
        }),
      );

      for (const [index, { name, caseStore, exit }] of results.entries()) {
        const [, , prefix, excerpt] = DATA_CASES[index];
        const output = exit.stdout + exit.stderr;
        expect(exit.code, `${name}: ${output}`).toBe(1);
        expect(output, name).toContain(prefix);
        expect(output, name).toContain(excerpt);
        expect(output, name).not.toMatch(STACK_LINE);
        expect(await readdir(join(caseStore, 'objects')), name).toEqual([]);
        expect(await readdir(join(caseStore, 'tmp')), name).toEqual([]);
      }
    },
    TIMEOUT_MS,
  );

  it(
    'missing data file names its path',
    async () => {
      const file = join(folder.dir, 'missing.yaml');
      await writeFile(
        file,
        `${DATA_NODE}    params: { dataset: file, path: nowhere.csv }\n`,
      );
      const before = await snapshotTree(join(store, 'objects'));
      const exit = await runOn(file, store);
      expect(exit.code).toBe(1);
      expect(exit.stdout).toContain(join(folder.dir, 'nowhere.csv'));
      expect(exit.stdout).toContain('check --data-dir');
      expect(exit.stdout).not.toMatch(STACK_LINE);
      expect(await snapshotTree(join(store, 'objects'))).toEqual(before);
    },
    TIMEOUT_MS,
  );
});

describe('bad environment', () => {
  const canMount = tryMount();

  it.skipIf(!canMount)(
    'read-only store is reported',
    async () => {
      const mount = join(folder.dir, 'read-only');
      await mkdir(mount);
      expect(sh(`mount -t tmpfs -o size=1m tmpfs ${mount}`)).toBe(0);
      try {
        await mkdir(join(mount, 'store'));
        expect(sh(`mount -o remount,ro ${mount}`)).toBe(0);
        const exit = await runOn(TINY_PIPELINE, join(mount, 'store'));
        expect(exit.code).toBe(1);
        expect(exit.stderr).toContain('could not be created');
        expect(exit.stderr).toContain('Point `--store` at one');
        expect(exit.stderr).not.toMatch(STACK_LINE);
      } finally {
        sh(`umount ${mount}`);
      }
    },
    TIMEOUT_MS,
  );

  it.skipIf(!canMount)(
    'full disk publishes nothing partial',
    async () => {
      const mount = join(folder.dir, 'full');
      await mkdir(mount);
      // 48 KiB fits the store's folders but not the data artifact.
      expect(sh(`mount -t tmpfs -o size=48k tmpfs ${mount}`)).toBe(0);
      try {
        const full = join(mount, 'store');
        const exit = await runOn(DATA_ONLY, full);
        expect(exit.code).toBe(1);
        expect(exit.stdout).toContain('ENOSPC');
        expect(await readdir(join(full, 'objects'))).toEqual([]);
        expect(await readdir(join(full, 'tmp'))).toEqual([]);
        expect(await checkStore(full)).toEqual([]);
      } finally {
        sh(`umount ${mount}`);
      }
    },
    TIMEOUT_MS,
  );

  it(
    'absent tensorflow backend is reported',
    async () => {
      // A variable keeps tsc from resolving the optional package.
      const nativeModule = '@tensorflow/tfjs-node';
      const installed = await import(nativeModule).then(
        () => true,
        () => false,
      );
      if (installed) return;

      const exit = await runCli(runArgsPlain(TINY_PIPELINE, store), {
        env: { DISTILLERY_BACKEND: 'tensorflow' },
      });
      expect(exit.code).toBe(1);
      expect(exit.stdout).toContain(
        'Backend `tensorflow` is unavailable: ' +
          '`@tensorflow/tfjs-node` is not installed',
      );
      expect(exit.stdout).toContain('[ENGINE_UNAVAILABLE]');
      expect(exit.stdout).not.toMatch(STACK_LINE);
    },
    TIMEOUT_MS,
  );
});

function nestedList(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function runArgsPlain(file: string, storeDir: string): string[] {
  return [
    'run',
    file,
    '--store',
    storeDir,
    '--ui',
    'plain',
    '--data-dir',
    DATA_DIR,
  ];
}

function runOn(file: string, storeDir: string) {
  return runCli(runArgsPlain(file, storeDir));
}

function sh(command: string): number {
  return spawnSync('sh', ['-c', command], { stdio: 'ignore' }).status ?? -1;
}

// Mounting a tmpfs needs root (or CAP_SYS_ADMIN); elsewhere the read-only
// and full-disk cases are skipped.
function tryMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = '/tmp/distillery-mount-probe';
  return (
    sh(
      `mkdir -p ${probe} && mount -t tmpfs -o size=64k tmpfs ${probe} && ` +
        `umount ${probe}`,
    ) === 0
  );
}
