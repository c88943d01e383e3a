/** Shared helpers of the `data-*` tests. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { DataError } from '../src/data/errors.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Folder of the published MovieLens copies: `DISTILLERY_DATA` or default. */
export const dataRoot =
  process.env.DISTILLERY_DATA ?? path.resolve(repoRoot, '../shared/datasets');

/** Awaits `promise`, expects it to reject with a `DataError`, returns it. */
export async function catchDataError(
  promise: Promise<unknown>,
): Promise<DataError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}
