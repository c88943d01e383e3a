/**
 * Tells a user's mistake, reported by a typed error, from an unexpected
 * failure whose stack trace is worth showing.
 */

// Stable codes are upper snake case with at least one underscore, such as
// `COMMAND_FAILED`. Node's own `ERR_*` codes and errno names (`ENOENT`)
// come from unexpected failures, so they keep their stacks.
const STABLE_CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

// Prototypes of the built-in errors. A code glued onto one of these
// (`Object.assign(new Error(...), { code })`) marks no deliberate class.
const BUILT_IN_ERRORS: readonly object[] = [
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
].map((type) => type.prototype);

/**
 * Reports whether `error` is a typed failure whose message names the value
 * and the fix: it has a string `reason` (a `DataError`), or it is an
 * instance of an error class of its own with a stable `code` (a
 * `CommandError`). A stack trace under such a message only buries it.
 */
export function isUserError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { reason, code, errno } = error as {
    reason?: unknown;
    code?: unknown;
    errno?: unknown;
  };
  if (typeof reason === 'string') return true;
  if (typeof code !== 'string' || errno !== undefined) return false;
  if (BUILT_IN_ERRORS.includes(Object.getPrototypeOf(error))) return false;
  return STABLE_CODE.test(code) && !code.startsWith('ERR_');
}
