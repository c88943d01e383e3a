/**
 * Pipeline-file problems as typed data. Every stage of loading collects
 * diagnostics instead of throwing, so one run reports all of them.
 */
import type { SourceLocation } from './types.js';

/**
 * Why a pipeline file was rejected. Switches over it are exhaustive, so a
 * new reason is a compile error wherever reasons are described.
 */
export type DiagnosticReason =
  | 'file-unreadable'
  | 'file-too-large'
  | 'yaml-syntax'
  | 'unsupported-yaml'
  | 'too-deep'
  | 'duplicate-key'
  | 'duplicate-node'
  | 'not-finite'
  | 'unknown-key'
  | 'missing-key'
  | 'wrong-type'
  | 'invalid-name'
  | 'unknown-node-type'
  | 'unknown-param'
  | 'missing-param'
  | 'out-of-range'
  | 'enum-value'
  | 'pattern-mismatch'
  | 'unknown-input'
  | 'missing-input'
  | 'unknown-node-ref'
  | 'duplicate-node-ref'
  | 'input-kind-mismatch'
  | 'input-not-multiple'
  | 'cycle'
  | 'too-many-nodes'
  | 'invalid-reference'
  | 'unknown-var'
  | 'var-cycle'
  | 'invalid-override'
  | 'unknown-override-path'
  | 'duplicate-variant'
  | 'too-many-variants'
  | 'unknown-variant'
  | 'conflicting-options'
  | 'no-variants';

/** A secondary place that explains a diagnostic. */
export interface RelatedLocation {
  message: string;
  location: SourceLocation;
}

/** One problem in a pipeline file, pointing at where it was written. */
export interface Diagnostic {
  reason: DiagnosticReason;
  /** One sentence: what is wrong and how to fix it. */
  message: string;
  location: SourceLocation;
  /** Other places involved: the first definition, the nodes of a cycle. */
  related: RelatedLocation[];
  /** The form the value must have, for example `an integer >= 1`. */
  expected?: string;
  /** The value as written, for example `"abc" (string)`. */
  received?: string;
}

/** Builds a diagnostic; `related` defaults to none. */
export function diagnostic(
  reason: DiagnosticReason,
  location: SourceLocation,
  message: string,
  extra: Partial<Pick<Diagnostic, 'related' | 'expected' | 'received'>> = {},
): Diagnostic {
  return {
    reason,
    message,
    location,
    related: extra.related ?? [],
    ...pick(extra),
  };
}

function pick(
  extra: Partial<Pick<Diagnostic, 'expected' | 'received'>>,
): Partial<Pick<Diagnostic, 'expected' | 'received'>> {
  const fields: Partial<Pick<Diagnostic, 'expected' | 'received'>> = {};
  if (extra.expected !== undefined) fields.expected = extra.expected;
  if (extra.received !== undefined) fields.received = extra.received;
  return fields;
}

/** Short title of each reason, used by `distillery validate --json`. */
export function describeReason(reason: DiagnosticReason): string {
  switch (reason) {
    case 'file-unreadable':
      return 'the pipeline file cannot be read';
    case 'file-too-large':
      return 'the pipeline file is too large';
    case 'yaml-syntax':
      return 'invalid YAML';
    case 'unsupported-yaml':
      return 'a YAML feature pipeline files do not support';
    case 'too-deep':
      return 'values nested too deeply';
    case 'duplicate-key':
      return 'a key written twice in one mapping';
    case 'duplicate-node':
      return 'a node name defined twice';
    case 'not-finite':
      return 'a NaN or infinite number';
    case 'unknown-key':
      return 'an unknown key';
    case 'missing-key':
      return 'a required key is missing';
    case 'wrong-type':
      return 'a value of the wrong type';
    case 'invalid-name':
      return 'an invalid name';
    case 'unknown-node-type':
      return 'an unknown node type';
    case 'unknown-param':
      return 'an unknown parameter';
    case 'missing-param':
      return 'a required parameter is missing';
    case 'out-of-range':
      return 'a number out of range';
    case 'enum-value':
      return 'a value not among the allowed ones';
    case 'pattern-mismatch':
      return 'a string that does not match its pattern';
    case 'unknown-input':
      return 'an unknown input';
    case 'missing-input':
      return 'a required input is missing';
    case 'unknown-node-ref':
      return 'an input that refers to no node';
    case 'duplicate-node-ref':
      return 'a node listed twice in one input';
    case 'input-kind-mismatch':
      return 'an input of the wrong artifact kind';
    case 'input-not-multiple':
      return 'a list given to an input that takes one node';
    case 'cycle':
      return 'nodes whose inputs form a cycle';
    case 'too-many-nodes':
      return 'too many nodes';
    case 'invalid-reference':
      return 'a malformed `${...}` reference';
    case 'unknown-var':
      return 'a reference to an unknown variable';
    case 'var-cycle':
      return 'variables that refer to each other in a cycle';
    case 'invalid-override':
      return 'a malformed `--set` argument';
    case 'unknown-override-path':
      return 'an override of a path that does not exist';
    case 'duplicate-variant':
      return 'two variants with the same name';
    case 'too-many-variants':
      return 'too many variants';
    case 'unknown-variant':
      return 'an unknown variant';
    case 'conflicting-options':
      return 'options that exclude each other';
    case 'no-variants':
      return 'a variant selected in a pipeline without variants';
  }
}
