/**
 * Tells a user's mistake, reported by a typed error, from an unexpected
 * failure whose stack trace is worth showing.
 */

// Stable codes are upper snake case with at least one underscore, such as
// `COMMAND_FAILED`. Node's own `ERR_*` codes and errno names (`ENOENT`)
// come from unexpected failures, so they keep their stacks.
const STABLE_CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

/**
 * Reports whether `error` is a typed failure whose message names the value
 * and the fix: it has a string `reason` (a `DataError`) or a stable `code`
 * (a `CommandError`). A stack trace under such a message only buries it.
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
  return STABLE_CODE.test(code) && !code.startsWith('ERR_');
}
