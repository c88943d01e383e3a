import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  CanonicalJsonError,
  computeCacheKey,
  CACHE_KEY_SCHEMA,
  findImportSpecifiers,
} from '../src/hashing/index.js';
import type { CacheKeyFields } from '../src/runner/run-record.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth', () => {
    const text = canonicalJson({
      b: 1,
      a: { d: [2, { z: 1, y: 2 }], c: null },
    });
    expect(text).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it.each([
    ['undefined', { a: undefined }, '$.a'],
    ['non-finite-number', { lr: Number.NaN }, '$.lr'],
    ['non-finite-number', [1, Infinity], '$[1]'],
    ['function', { f: () => 1 }, '$.f'],
    ['bigint', { n: 1n }, '$.n'],
    ['unsupported-object', { m: new Map() }, '$.m'],
  ])('rejects %s at its path', (reason, value, path) => {
    let error: unknown;
    try {
      canonicalJson(value);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(CanonicalJsonError);
    expect((error as CanonicalJsonError).reason).toBe(reason);
    expect((error as CanonicalJsonError).path).toBe(path);
    expect((error as Error).message).toContain(`\`${path}\``);
  });

  it('rejects cycles', () => {
    const value: Record<string, unknown> = {};
    value.self = value;
    expect(() => canonicalJson(value)).toThrow(/refers to itself/);
  });
});

const baseFields: CacheKeyFields = {
  schema: CACHE_KEY_SCHEMA,
  type: 'pretrain-student',
  typeVersion: '1',
  implementation: 'a'.repeat(64),
  params: { lr: 0.001, epochs: 10, layers: { count: 2, heads: 1 } },
  inputs: { dataset: 'b'.repeat(64), models: ['c'.repeat(64)] },
  files: { 'ml-100k/u.data': 'd'.repeat(64) },
  env: { SEED: '1', UNSET: null },
};

describe('computeCacheKey', () => {
  it('ignores key order', () => {
    const reordered: CacheKeyFields = {
      env: { UNSET: null, SEED: '1' },
      files: baseFields.files,
      inputs: { models: ['c'.repeat(64)], dataset: 'b'.repeat(64) },
      params: { layers: { heads: 1, count: 2 }, epochs: 10, lr: 0.001 },
      implementation: baseFields.implementation,
      typeVersion: '1',
      type: 'pretrain-student',
      schema: CACHE_KEY_SCHEMA,
    };
    expect(computeCacheKey(reordered)).toBe(computeCacheKey(baseFields));
  });

  it('is a hex SHA-256', () => {
    expect(computeCacheKey(baseFields)).toMatch(/^[0-9a-f]{64}$/);
  });

  const changes: [string, Partial<CacheKeyFields>][] = [
    ['schema', { schema: CACHE_KEY_SCHEMA + 1 }],
    ['type', { type: 'distill-back' }],
    ['typeVersion', { typeVersion: '2' }],
    ['implementation', { implementation: 'e'.repeat(64) }],
    ['params', { params: { ...baseFields.params, lr: 0.002 } }],
    ['inputs', { inputs: { ...baseFields.inputs, dataset: 'f'.repeat(64) } }],
    ['input list order', { inputs: { dataset: 'b'.repeat(64), models: [] } }],
    ['files', { files: { 'ml-100k/u.data': '0'.repeat(64) } }],
    ['env', { env: { SEED: '2', UNSET: null } }],
    ['env unset vs empty', { env: { SEED: '1', UNSET: '' } }],
  ];

  it.each(changes)('changes when %s changes', (_field, change) => {
    const changed = computeCacheKey({ ...baseFields, ...change });
    expect(changed).not.toBe(computeCacheKey(baseFields));
  });
});

describe('findImportSpecifiers', () => {
  it('finds run-time imports and skips types and comments', () => {
    const source = [
      "import a from './a.js';",
      'import { b, c } from "./b.js";',
      "import * as d from '../d.js';",
      "import './side-effect.js';",
      "import type { T } from './types.js';",
      "export type { U } from './more-types.js';",
      "export { e } from './e.js';",
      "export * from './f.js';",
      "const g = await import('./g.js');",
      "// import h from './commented.js';",
      '/* import i from "./block.js"; */',
      "const text = `import j from './template.js'`;",
      "import yaml from 'yaml';",
      'import {',
      '  multi,',
      "} from './multi-line.js';",
    ].join('\n');
    expect(findImportSpecifiers(source)).toEqual([
      './a.js',
      './b.js',
      '../d.js',
      './side-effect.js',
      './e.js',
      './f.js',
      './g.js',
      'yaml',
      './multi-line.js',
    ]);
  });
});
