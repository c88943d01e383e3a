/**
 * The content-addressed artifact store. Published artifacts live in
 * `objects/<key>/`; nodes write into staging folders under `tmp/` that are
 * renamed into place only once complete and hashed.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactRef, CacheKey } from '../nodes/node-type.js';
import { canonicalJson, listFiles } from '../hashing/index.js';
import { fsyncDir, fsyncFile, writeFileAtomic } from './atomic-write.js';
import { checkArtifact, type ArtifactProblem } from './check-artifact.js';
import {
  isKeyShaped,
  MANIFEST_FILE,
  RESULT_FILE,
  STORE_FOLDERS,
  storeLayout,
  type StoreLayout,
} from './layout.js';
import {
  acquireLock,
  lockPath,
  type AcquireLockOptions,
  type HeldLock,
} from './locks.js';
import {
  artifactDigest,
  hashArtifactFiles,
  MANIFEST_SCHEMA,
  type Manifest,
} from './manifest.js';

/** Default store folder, relative to the working directory. */
export const DEFAULT_STORE_DIR = 'artifacts';

/** Metadata `publish` stores with an artifact. */
export interface PublishOptions {
  key: CacheKey;
  /** Artifact kind, from the node type's `output`. */
  kind: string;
  /** Name of the producing node, without variant. */
  producer: string;
  /** The node's result summary, stored in `result.json`. */
  summary: Record<string, unknown>;
  /** The node's headline metrics, stored in `result.json`. */
  metrics?: Record<string, number>;
}

/** Contents of `result.json`. */
export interface StoredResult {
  summary: Record<string, unknown>;
  metrics: Record<string, number>;
}

/** An artifact that failed its check and was moved to `quarantine/`. */
export interface QuarantineEvent {
  key: CacheKey;
  problem: ArtifactProblem;
  /** New path of the folder. */
  movedTo: string;
}

/** Options of `Store`. */
export interface StoreOptions {
  /** Called when `lookup` finds a damaged artifact and moves it aside. */
  onQuarantine?(event: QuarantineEvent): void;
}

/** A staging folder for one node execution. */
export interface Staging {
  /** Absolute path; the node writes its artifact files here. */
  dir: string;
}

/** An artifact store rooted at one folder. */
export class Store {
  /** Absolute paths of the store's folders. */
  readonly layout: StoreLayout;

  constructor(
    root: string = DEFAULT_STORE_DIR,
    private readonly options: StoreOptions = {},
  ) {
    this.layout = storeLayout(root);
  }

  /** Absolute path of the store root. */
  get root(): string {
    return this.layout.root;
  }

  /**
   * Creates the store folders if they are missing. Throws an error naming
   * the store when a folder cannot be created (a read-only file system, no
   * permission, a full disk).
   */
  async init(): Promise<void> {
    for (const folder of STORE_FOLDERS) {
      try {
        await mkdir(this.layout[folder], { recursive: true });
      } catch (error) {
        throw unwritableStore(this.layout[folder], error);
      }
    }
  }

  /** Returns the folder an artifact with `key` is published in. */
  objectDir(key: CacheKey): string {
    assertKey(key);
    return join(this.layout.objects, key);
  }

  /**
   * Returns the artifact published under `key`, or `undefined` when there
   * is none. Every file is re-hashed on every call; an artifact that does
   * not match its manifest is moved to `quarantine/` and counts as a miss;
   * the store's `onQuarantine` and the one in `options` are then called.
   */
  async lookup(
    key: CacheKey,
    options: Pick<StoreOptions, 'onQuarantine'> = {},
  ): Promise<ArtifactRef | undefined> {
    const dir = this.objectDir(key);
    if (!(await exists(dir))) return undefined;

    const check = await checkArtifact(dir, key);
    if (!check.valid) {
      const movedTo = await this.quarantine(key);
      const event = { key, problem: check.problem, movedTo };
      this.options.onQuarantine?.(event);
      options.onQuarantine?.(event);
      return undefined;
    }

    return this.toRef(dir, check.manifest);
  }

  /**
   * Creates an empty staging folder under `tmp/`. Its name starts with
   * this process's pid so `gc` can tell abandoned folders from live ones.
   */
  async createStaging(): Promise<Staging> {
    await this.init();
    const name = `${process.pid}-${randomBytes(6).toString('hex')}`;
    const dir = join(this.layout.tmp, name);
    await mkdir(dir);
    return { dir };
  }

  /** Removes a staging folder that will not be published. */
  async discardStaging(staging: Staging): Promise<void> {
    await rm(staging.dir, { recursive: true, force: true });
  }

  /**
   * Publishes a staging folder as the artifact for `options.key`: writes
   * `result.json`, hashes every file, writes `manifest.json` last, flushes
   * everything and renames the folder into `objects/`. When a valid
   * artifact already exists under that key (another process won the
   * race), the staging folder is discarded and the existing one returned.
   */
  async publish(
    staging: Staging,
    options: PublishOptions,
  ): Promise<ArtifactRef> {
    const target = this.objectDir(options.key);
    const existing = await this.lookup(options.key);
    if (existing) {
      await this.discardStaging(staging);
      return existing;
    }

    const manifest = await this.writeManifest(staging.dir, options);
    await this.flushTree(staging.dir);
    try {
      await rename(staging.dir, target);
    } catch (error) {
      return this.resolvePublishRace(staging, options.key, error);
    }

    await fsyncDir(this.layout.objects);
    await this.removeWorkDir(options.key);
    return this.toRef(target, manifest);
  }

  /**
   * Returns the checkpoint folder for `key`, creating it. It survives an
   * interrupted attempt and is removed once the artifact is published.
   */
  async workDir(key: CacheKey): Promise<string> {
    assertKey(key);
    const dir = join(this.layout.work, key);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Removes the checkpoint folder of `key`, if any. */
  async removeWorkDir(key: CacheKey): Promise<void> {
    assertKey(key);
    await rm(join(this.layout.work, key), { recursive: true, force: true });
  }

  /** Takes the execution lock of `key`; see `acquireLock`. */
  async lock(
    key: CacheKey,
    options: AcquireLockOptions = {},
  ): Promise<HeldLock> {
    assertKey(key);
    await this.init();
    return acquireLock(lockPath(this.layout.locks, key), options);
  }

  /** Moves `objects/<key>` to `quarantine/` and returns its new path. */
  async quarantine(key: CacheKey): Promise<string> {
    await mkdir(this.layout.quarantine, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const movedTo = join(this.layout.quarantine, `${key}-${stamp}`);
    await rename(this.objectDir(key), movedTo);
    await fsyncDir(this.layout.objects);
    return movedTo;
  }

  private async writeManifest(
    dir: string,
    options: PublishOptions,
  ): Promise<Manifest> {
    const result: StoredResult = {
      summary: options.summary,
      metrics: options.metrics ?? {},
    };
    // canonicalJson rejects NaN and undefined, which JSON.stringify would
    // silently turn into null or drop.
    canonicalJson(result);
    await writeFileAtomic(
      join(dir, RESULT_FILE),
      JSON.stringify(result, null, 2) + '\n',
    );

    const files = await hashArtifactFiles(dir);
    const manifest: Manifest = {
      schema: MANIFEST_SCHEMA,
      key: options.key,
      kind: options.kind,
      producer: options.producer,
      digest: artifactDigest(options.kind, files),
      createdAt: new Date().toISOString(),
      files,
    };
    await writeFileAtomic(
      join(dir, MANIFEST_FILE),
      JSON.stringify(manifest, null, 2) + '\n',
    );
    return manifest;
  }

  private async flushTree(dir: string): Promise<void> {
    const folders = new Set<string>([dir]);
    for (const path of await listFiles(dir)) {
      await fsyncFile(join(dir, path));
      const parts = path.split('/');
      for (let depth = 1; depth < parts.length; depth += 1) {
        folders.add(join(dir, ...parts.slice(0, depth)));
      }
    }

    for (const folder of folders) await fsyncDir(folder);
  }

  private async resolvePublishRace(
    staging: Staging,
    key: CacheKey,
    error: unknown,
  ): Promise<ArtifactRef> {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;

    const winner = await this.lookup(key);
    await this.discardStaging(staging);
    if (!winner) {
      throw new Error(
        `Internal error: publishing \`${key}\` found a folder in the way ` +
          'that is not a valid artifact; run `distillery verify`.',
      );
    }

    return winner;
  }

  private async toRef(dir: string, manifest: Manifest): Promise<ArtifactRef> {
    const result = await readStoredResult(dir);
    return {
      key: manifest.key,
      digest: manifest.digest,
      dir,
      kind: manifest.kind,
      producer: manifest.producer,
      summary: result.summary,
    };
  }
}

/** Reads `result.json` of an artifact folder. */
export async function readStoredResult(dir: string): Promise<StoredResult> {
  const text = await readFile(join(dir, RESULT_FILE), 'utf8');
  const value = JSON.parse(text) as Partial<StoredResult>;
  return { summary: value.summary ?? {}, metrics: value.metrics ?? {} };
}

function unwritableStore(folder: string, cause: unknown): Error {
  const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
  return Object.assign(
    new Error(
      `Store folder \`${folder}\` could not be created (${code}): the ` +
        'store must be a writable folder. Point `--store` at one, or fix ' +
        'its permissions or free space.',
      { cause },
    ),
    { code: 'STORE_UNWRITABLE' },
  );
}

function assertKey(key: string): void {
  if (!isKeyShaped(key)) {
    throw new Error(
      `Internal error: cache key \`${key}\` is not 64 lowercase hex digits.`,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
