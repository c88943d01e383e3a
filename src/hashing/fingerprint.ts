/**
 * Implementation fingerprints: a SHA-256 over the source of a node type's
 * module and of every relative import it reaches, so that editing the code
 * of a node (or of a helper it imports) changes its cache key.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Json } from './sha256.js';
import { findImportSpecifiers, isRelativeSpecifier } from './import-scanner.js';

// Extensions a relative specifier may resolve to. TypeScript sources import
// each other with `.js` specifiers that name the `.ts` file, so each `.js`
// specifier is tried as `.ts` and `.tsx` first.
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.jsx'];
const SCANNED_EXTENSIONS = new Set([...SOURCE_EXTENSIONS, '.mts', '.cjs']);

/** A relative import that names no file. */
export class FingerprintError extends Error {
  /** Stable code for callers that switch on the failure. */
  readonly code = 'FINGERPRINT_IMPORT_NOT_FOUND';

  constructor(
    readonly importer: string,
    readonly specifier: string,
  ) {
    super(
      `Import \`${specifier}\` in \`${importer}\` names no file ` +
        `(tried ${SOURCE_EXTENSIONS.join(', ')}): fix the import path.`,
    );
    this.name = 'FingerprintError';
  }
}

const memo = new Map<string, Promise<string>>();

/**
 * Returns the implementation fingerprint of the module at an absolute path
 * or `file:` URL. Results are memoised per process and path, because
 * sources do not change under a running pipeline.
 *
 * Note: package imports (`yaml`, `@tensorflow/tfjs-core`) are not followed;
 * a dependency upgrade changes no key unless a type's version is bumped.
 */
export function fingerprintImplementation(
  moduleUrlOrPath: string,
): Promise<string> {
  const path = toPath(moduleUrlOrPath);
  let fingerprint = memo.get(path);
  if (!fingerprint) {
    fingerprint = computeFingerprint(path);
    memo.set(path, fingerprint);
    fingerprint.catch(() => memo.delete(path));
  }

  return fingerprint;
}

/** Forgets memoised fingerprints; for tests that edit sources. */
export function clearFingerprintCache(): void {
  memo.clear();
}

function toPath(moduleUrlOrPath: string): string {
  return moduleUrlOrPath.startsWith('file:')
    ? fileURLToPath(moduleUrlOrPath)
    : resolve(moduleUrlOrPath);
}

/**
 * Walks the relative import graph from `entry` and hashes each file's
 * source under its path relative to the entry's folder, so the fingerprint
 * does not depend on where the checkout lives.
 */
async function computeFingerprint(entry: string): Promise<string> {
  const sources = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (sources.has(file)) continue;

    const source = await readFile(file, 'utf8');
    sources.set(file, source);
    if (SCANNED_EXTENSIONS.has(extname(file))) {
      pending.push(...(await resolveRelativeImports(file, source)));
    }
  }

  // Canonical JSON sorts the object's keys, so the walk order is irrelevant.
  const base = dirname(entry);
  const files: Record<string, string> = {};
  for (const [file, source] of sources)
    files[relativePosix(base, file)] = source;
  return sha256Json({ files });
}

async function resolveRelativeImports(
  importer: string,
  source: string,
): Promise<string[]> {
  const specifiers = findImportSpecifiers(source).filter(isRelativeSpecifier);
  const files: string[] = [];
  for (const specifier of specifiers) {
    files.push(await resolveSpecifier(importer, specifier));
  }

  return files;
}

async function resolveSpecifier(
  importer: string,
  specifier: string,
): Promise<string> {
  const target = resolve(dirname(importer), specifier.split('?')[0]);
  for (const candidate of candidatePaths(target)) {
    if (await isReadableFile(candidate)) return candidate;
  }

  throw new FingerprintError(importer, specifier);
}

function candidatePaths(target: string): string[] {
  const extension = extname(target);
  const stem = target.slice(0, target.length - extension.length);
  const candidates: string[] = [];
  if (extension === '.js' || extension === '.jsx') {
    candidates.push(`${stem}.ts`, `${stem}.tsx`);
  }

  candidates.push(target);
  if (extension === '') {
    for (const suffix of SOURCE_EXTENSIONS) candidates.push(target + suffix);
    for (const suffix of SOURCE_EXTENSIONS) {
      candidates.push(resolve(target, `index${suffix}`));
    }
  }

  return candidates;
}

async function isReadableFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function relativePosix(base: string, file: string): string {
  return relative(base, file).split(sep).join('/');
}
