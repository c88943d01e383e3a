/** Diagnostics about one located value, with the place it came from. */
import {
  diagnostic,
  type Diagnostic,
  type DiagnosticReason,
} from './diagnostics.js';
import { describeValue, type TreeNode } from './tree.js';

/**
 * Builds a diagnostic pointing at `node` with its value as `received`.
 * When the value came from a `${vars.x}` reference, a note points at the
 * variable's definition too.
 */
export function valueDiagnostic(
  reason: DiagnosticReason,
  node: TreeNode,
  message: string,
  expected?: string,
): Diagnostic {
  const origin = node.kind === 'scalar' ? node.origin : undefined;
  const related = origin
    ? [{ message: 'the value comes from here', location: origin }]
    : [];
  return diagnostic(reason, node.location, message, {
    related,
    received: describeValue(node),
    ...(expected === undefined ? {} : { expected }),
  });
}
