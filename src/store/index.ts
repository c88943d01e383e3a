/** The content-addressed artifact store. */
export { Store, DEFAULT_STORE_DIR, readStoredResult } from './store.js';
export type {
  PublishOptions,
  QuarantineEvent,
  Staging,
  StoredResult,
  StoreOptions,
} from './store.js';
export { checkArtifact, describeArtifactProblem } from './check-artifact.js';
export type { ArtifactCheck, ArtifactProblem } from './check-artifact.js';
export { artifactDigest, readManifest, MANIFEST_SCHEMA } from './manifest.js';
export type { Manifest, ManifestFile } from './manifest.js';
export {
  acquireLock,
  tryCreateLock,
  readLockOwner,
  isOwnerAlive,
  isPidAlive,
  lockPath,
} from './locks.js';
export type { AcquireLockOptions, HeldLock, LockOwner } from './locks.js';
export { verifyStore } from './verify.js';
export type { VerifyFinding, VerifyOptions, VerifyReport } from './verify.js';
export { collectGarbage, referencedKeys } from './gc.js';
export type { GcOptions, GcReport } from './gc.js';
export { writeFileAtomic, fsyncDir, fsyncFile } from './atomic-write.js';
export { storeLayout, MANIFEST_FILE, RESULT_FILE } from './layout.js';
export type { StoreLayout } from './layout.js';
