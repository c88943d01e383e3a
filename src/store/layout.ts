/** Paths inside a store root; docs/architecture.md shows the layout. */
import { join, resolve } from 'node:path';

/** Folder names of the store, relative to its root. */
export const STORE_FOLDERS = [
  'objects',
  'tmp',
  'work',
  'locks',
  'runs',
  'quarantine',
] as const;

/** Absolute paths of a store's folders. */
export interface StoreLayout {
  root: string;
  objects: string;
  tmp: string;
  work: string;
  locks: string;
  runs: string;
  quarantine: string;
}

/** Returns the layout of the store rooted at `root` (made absolute). */
export function storeLayout(root: string): StoreLayout {
  const absolute = resolve(root);
  return {
    root: absolute,
    objects: join(absolute, 'objects'),
    tmp: join(absolute, 'tmp'),
    work: join(absolute, 'work'),
    locks: join(absolute, 'locks'),
    runs: join(absolute, 'runs'),
    quarantine: join(absolute, 'quarantine'),
  };
}

/** File name of an artifact's manifest inside its folder. */
export const MANIFEST_FILE = 'manifest.json';

/** File name of the node's result summary inside an artifact folder. */
export const RESULT_FILE = 'result.json';

const HEX_KEY = /^[0-9a-f]{64}$/;

/** Checks that `key` has the form of a cache key, so it is safe in a path. */
export function isKeyShaped(key: string): boolean {
  return HEX_KEY.test(key);
}
