import { describe, expect, it } from 'vitest';
import * as api from 'distillery';

describe('public API', () => {
  it('exports the entry points by package name', () => {
    expect(typeof api.loadPipeline).toBe('function');
    expect(typeof api.resolvePipeline).toBe('function');
    expect(typeof api.plan).toBe('function');
    expect(typeof api.run).toBe('function');
    expect(typeof api.defineNodeType).toBe('function');
    expect(typeof api.createRegistry).toBe('function');
    expect(typeof api.Store).toBe('function');
    expect(new api.PipelineError([], new Map())).toBeInstanceOf(Error);
  });
});
