/**
 * Plain-words descriptions of param specs for `expected:` lines, and the
 * bounds check they describe.
 */
import type { ParamSpec } from '../nodes/node-type.js';
import { listNames } from './suggest.js';

/** Whether `value` is within the spec's bounds. */
export function isWithinBounds(
  spec: Extract<ParamSpec, { type: 'integer' | 'number' }>,
  value: number,
): boolean {
  if (spec.min !== undefined && value < spec.min) return false;
  if (spec.max !== undefined && value > spec.max) return false;
  return spec.exclusiveMin === undefined || value > spec.exclusiveMin;
}

/** Describes a number spec: `an integer >= 1 and <= 10`. */
export function describeNumberSpec(
  spec: Extract<ParamSpec, { type: 'integer' | 'number' }>,
): string {
  const bounds: string[] = [];
  if (spec.exclusiveMin !== undefined) bounds.push(`> ${spec.exclusiveMin}`);
  if (spec.min !== undefined) bounds.push(`>= ${spec.min}`);
  if (spec.max !== undefined) bounds.push(`<= ${spec.max}`);
  const noun = spec.type === 'integer' ? 'an integer' : 'a number';
  return bounds.length === 0 ? noun : `${noun} ${bounds.join(' and ')}`;
}

/** Describes a list spec: `a list of at most 3 items, each an integer`. */
export function describeArraySpec(
  spec: Extract<ParamSpec, { type: 'array' }>,
): string {
  const bounds: string[] = [];
  if (spec.minItems !== undefined) bounds.push(`at least ${spec.minItems}`);
  if (spec.maxItems !== undefined) bounds.push(`at most ${spec.maxItems}`);
  const count = bounds.length === 0 ? '' : ` of ${bounds.join(' and ')} items`;
  return `a list${count}, each ${describeSpec(spec.items)}`;
}

/** Describes any spec in a few words, for `expected:` lines. */
export function describeSpec(spec: ParamSpec): string {
  switch (spec.type) {
    case 'integer':
    case 'number':
      return describeNumberSpec(spec);
    case 'string':
      return spec.pattern ? `a string matching /${spec.pattern}/` : 'a string';
    case 'boolean':
      return 'a boolean';
    case 'enum':
      return `one of ${listNames(spec.values)}`;
    case 'array':
      return describeArraySpec(spec);
    case 'object':
      return 'a mapping';
    case 'json':
      return 'any value';
  }
}
