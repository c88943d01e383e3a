/** Failures of loading a project config, as typed errors. */

/** Reason a project config could not be used. */
export type ConfigFailureReason =
  /** A config file named with `--config` does not exist. */
  | 'CONFIG_NOT_FOUND'
  /** Importing the config file threw. */
  | 'CONFIG_IMPORT_FAILED'
  /** The default export is not a config object. */
  | 'CONFIG_INVALID'
  /** An entry of `nodeTypes` lacks a field every node type needs. */
  | 'CONFIG_NODE_TYPE_INVALID'
  /** A node type's name is taken by a built-in or another custom type. */
  | 'CONFIG_NODE_TYPE_DUPLICATE'
  /** A node type's `module` does not export it, so no worker can run it. */
  | 'CONFIG_NODE_TYPE_NOT_EXPORTED';

/** A project config that cannot be used, with the file it came from. */
export class ConfigError extends Error {
  constructor(
    readonly code: ConfigFailureReason,
    /** Absolute path of the config file. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
