/**
 * Canonical JSON: the one serialisation of a value that cache keys and
 * artifact digests hash. Object keys are sorted by UTF-16 code units and
 * no whitespace is written, so two equal values always give equal text.
 */

/** Reason a value has no canonical JSON form. */
export type CanonicalJsonFailure =
  | 'undefined'
  | 'non-finite-number'
  | 'function'
  | 'symbol'
  | 'bigint'
  | 'cycle'
  | 'unsupported-object';

/** A value that has no canonical JSON form, with the path where it sits. */
export class CanonicalJsonError extends Error {
  /** Stable code for callers that switch on the failure. */
  readonly code = 'CANONICAL_JSON_INVALID';

  constructor(
    /** Kind of value that was rejected. */
    readonly reason: CanonicalJsonFailure,
    /** JSON path of the value, for example `$.params.lr`. */
    readonly path: string,
    detail: string,
  ) {
    super(`\`${path}\` cannot be hashed: ${detail}`);
    this.name = 'CanonicalJsonError';
  }
}

/**
 * Serialises `value` as canonical JSON. Rejects `undefined`, NaN, the
 * infinities, functions, symbols, bigints, cycles and objects other than
 * plain objects, arrays and dates, because each would either vanish or
 * change meaning in JSON and so make two different values hash alike.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, path: string, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return writeNumber(value, path);
    case 'undefined':
      throw new CanonicalJsonError(
        'undefined',
        path,
        'the value is `undefined`; use `null` or leave the key out.',
      );
    case 'function':
      throw new CanonicalJsonError(
        'function',
        path,
        'the value is a function; pass plain data instead.',
      );
    case 'symbol':
      throw new CanonicalJsonError('symbol', path, 'the value is a symbol.');
    case 'bigint':
      throw new CanonicalJsonError(
        'bigint',
        path,
        `the value is the bigint ${value}n; use a number or a string.`,
      );
    case 'object':
      return value === null ? 'null' : writeObject(value, path, seen);
  }
}

function writeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) {
    throw new CanonicalJsonError(
      'non-finite-number',
      path,
      `the value is ${value}, which JSON cannot represent; use a finite number.`,
    );
  }

  // JSON.stringify writes -0 as `0`, which is what we want: they are equal.
  return JSON.stringify(value);
}

function writeObject(value: object, path: string, seen: Set<object>): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (seen.has(value)) {
    throw new CanonicalJsonError(
      'cycle',
      path,
      'the value refers to itself; pass a tree, not a cyclic graph.',
    );
  }

  seen.add(value);
  const text = Array.isArray(value)
    ? writeArray(value, path, seen)
    : writePlainObject(value, path, seen);
  seen.delete(value);
  return text;
}

function writeArray(value: unknown[], path: string, seen: Set<object>): string {
  const items = value.map((item, index) =>
    write(item, `${path}[${index}]`, seen),
  );
  return `[${items.join(',')}]`;
}

function writePlainObject(
  value: object,
  path: string,
  seen: Set<object>,
): string {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const name = value.constructor?.name ?? 'unknown';
    throw new CanonicalJsonError(
      'unsupported-object',
      path,
      `the value is a \`${name}\`; convert it to a plain object or array.`,
    );
  }

  const entries = Object.keys(value)
    .sort()
    .map((key) => {
      const item = (value as Record<string, unknown>)[key];
      return `${JSON.stringify(key)}:${write(item, `${path}.${key}`, seen)}`;
    });
  return `{${entries.join(',')}}`;
}
