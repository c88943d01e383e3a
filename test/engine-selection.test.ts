import { afterEach, describe, expect, test } from 'vitest';
import {
  diagnoseEngine, initEngine, resetEngine, tf,
} from '../src/engine/index.js';
import { loadBlas } from '../src/engine/blas/load-blas.js';
import { blasCandidates, parseLdconfig } from '../src/engine/blas/locate-blas.js';
import { requestedBackend } from '../src/engine/select-backend.js';
import { expectClose, seededTensor, snapshot, withStockKernels } from './engine-helpers.js';

const blasFound = (await loadBlas()).ok;

afterEach(() => {
  delete process.env.DISTILLERY_BLAS;
  delete process.env.DISTILLERY_BACKEND;
  resetEngine();
});

describe('backend selection', () => {
  test('auto records why native backends are absent', async () => {
    const info = await initEngine();
    expect(info.backend).toBe('wasm');
    expect(info.notes.some((note) => note.includes('@tensorflow/tfjs-node'))).toBe(true);
    expect(info.versions['tfjs-core']).toBe('4.22.0');
  });

  test('option beats the environment variable', () => {
    expect(requestedBackend('cpu', { DISTILLERY_BACKEND: 'wasm' })).toBe('cpu');
    expect(requestedBackend(undefined, { DISTILLERY_BACKEND: 'wasm' })).toBe('wasm');
    expect(requestedBackend(undefined, {})).toBe('auto');
  });

  test('unknown backend names are rejected', () => {
    expect(() => requestedBackend(undefined, { DISTILLERY_BACKEND: 'gpu' })).toThrow(
      /DISTILLERY_BACKEND must be one of .*received `gpu`/,
    );
  });

  test('missing tfjs-node fails with an install hint', async () => {
    await expect(initEngine({ backend: 'tensorflow' })).rejects.toThrow(
      /npm install @tensorflow\/tfjs-node/,
    );
  });

  test('diagnosis names every backend', async () => {
    const report = await diagnoseEngine();
    expect(report).toMatch(/^backend: wasm/);
    expect(report).toContain('tensorflow-gpu: not in use');
    expect(report).toContain('npm install @tensorflow/tfjs-node');
  });
});

describe('BLAS fallback', () => {
  test('DISTILLERY_BLAS=off keeps the stock matMul', async () => {
    process.env.DISTILLERY_BLAS = 'off';
    const run = () => snapshot(tf.matMul(seededTensor([3, 4, 5], 1), seededTensor([3, 5, 2], 2)));
    const expected = await withStockKernels(run);
    const info = await initEngine({ backend: 'cpu' });
    expect(info.blas).toBe(false);
    expect(info.kernels).not.toContain('BatchMatMul');
    expect(info.notes.join('\n')).toContain('DISTILLERY_BLAS=off');
    expectClose(run(), expected);
  });

  test('diagnosis explains how to enable BLAS', async () => {
    await initEngine({ blas: false });
    const report = await diagnoseEngine();
    expect(report).toContain('BLAS kernels: off');
    expect(report).toContain('apt-get install libopenblas0-pthread');
  });

  test('a missing library path falls back', async () => {
    const result = await loadBlas({ path: '/nonexistent/libopenblas.so.0' });
    // The explicit path is tried first and reported even when absent.
    if (!result.ok) expect(result.tried[0]).toBe('/nonexistent/libopenblas.so.0');
    else expect(result.blas.path).not.toBe('/nonexistent/libopenblas.so.0');
  });

  test.skipIf(!blasFound)('BLAS reports its library and threads', async () => {
    const info = await initEngine({ backend: 'cpu', threads: 1 });
    expect(info.blas).toBe(true);
    expect(info.blasPath).toMatch(/openblas|Accelerate/);
    expect(info.threads).toBe(1);
    expect(info.kernels).toContain('BatchMatMul');
  });

  test.skipIf(!blasFound)('wasm backend runs BLAS BatchMatMul', async () => {
    const run = () => snapshot(tf.matMul(seededTensor([3, 6, 5], 3), seededTensor([3, 4, 5], 4), false, true));
    const expected = await withStockKernels(run);
    const info = await initEngine({ backend: 'wasm' });
    expect(info.backend).toBe('wasm');
    expect(info.kernels).toEqual([
      'UnsortedSegmentSum', 'GatherV2', 'Identity', 'BatchMatMul',
      'softmaxCrossEntropyOverItems',
    ]);
    expectClose(run(), expected);
  });

  test('wasm backend gets the gather gradient', async () => {
    const run = () => {
      const table = seededTensor([6, 3], 5);
      const indices = tf.tensor1d([2, 0, 2, 5], 'int32');
      const weight = seededTensor([4, 3], 6);
      const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices), weight));
      return snapshot(tf.grad(f)(table));
    };
    const expected = await withStockKernels(run);
    await initEngine({ backend: 'wasm', blas: false });
    expectClose(run(), expected);
  });
});

describe('library search', () => {
  test('ldconfig lines yield OpenBLAS paths', () => {
    const output = [
      '\tlibopenblas.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libopenblas.so.0',
      '\tlibm.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libm.so.6',
    ].join('\n');
    expect(parseLdconfig(output)).toEqual(['/usr/lib/x86_64-linux-gnu/libopenblas.so.0']);
  });

  test('macOS candidates start with Accelerate', () => {
    const candidates = blasCandidates('darwin');
    expect(candidates[0]).toBe('/System/Library/Frameworks/Accelerate.framework/Accelerate');
  });

  test('an explicit path comes first', () => {
    expect(blasCandidates('linux', '/opt/blas.so')[0]).toBe('/opt/blas.so');
  });
});
