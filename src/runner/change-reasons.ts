/**
 * Reasons a node will run: the differences between its key fields now and
 * the ones recorded the last time a run had a node with the same id.
 */
import type { CacheKeyFields } from './run-record.js';

type OwnFields = Omit<CacheKeyFields, 'inputs'> & {
  inputs?: CacheKeyFields['inputs'];
};

/**
 * Lists what changed between `previous` and `current`, one reason per kind
 * of change, for example `params changed: lr 0.001 -> 0.002`. Inputs are
 * compared only when `current.inputs` is known.
 */
export function describeChanges(
  previous: CacheKeyFields,
  current: OwnFields,
): string[] {
  const reasons: string[] = [];
  if (previous.schema !== current.schema)
    reasons.push('cache key layout changed');
  if (previous.type !== current.type) {
    reasons.push(`type changed: ${previous.type} -> ${current.type}`);
  }

  if (previous.typeVersion !== current.typeVersion) {
    reasons.push(
      `type version changed: ${previous.typeVersion} -> ${current.typeVersion}`,
    );
  }

  if (previous.implementation !== current.implementation) {
    reasons.push('implementation changed');
  }

  const params = describeParamChanges(previous.params, current.params);
  if (params.length > 0) reasons.push(`params changed: ${params.join(', ')}`);

  if (current.inputs) {
    for (const name of changedKeys(previous.inputs, current.inputs)) {
      reasons.push(`input changed: ${name}`);
    }
  }

  for (const path of changedKeys(previous.files, current.files)) {
    reasons.push(`file changed: ${path}`);
  }

  for (const name of changedKeys(previous.env, current.env)) {
    reasons.push(`environment changed: ${name}`);
  }

  return reasons;
}

/** Describes changed parameters as `path old -> new`, by dotted path. */
export function describeParamChanges(
  previous: Record<string, unknown>,
  current: Record<string, unknown>,
): string[] {
  const before = flatten(previous);
  const after = flatten(current);
  return changedKeys(before, after).map(
    (path) =>
      `${path} ${formatValue(before[path])} -> ${formatValue(after[path])}`,
  );
}

function changedKeys(
  previous: Record<string, unknown>,
  current: Record<string, unknown>,
): string[] {
  const names = new Set([...Object.keys(previous), ...Object.keys(current)]);
  return [...names]
    .filter(
      (name) =>
        JSON.stringify(previous[name]) !== JSON.stringify(current[name]),
    )
    .sort();
}

/** Flattens nested plain objects into dotted paths; arrays stay whole. */
function flatten(
  value: Record<string, unknown>,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [name, item] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (isPlainObject(item) && Object.keys(item).length > 0) {
      flatten(item, path, out);
    } else {
      out[path] = item;
    }
  }

  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function formatValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
