/**
 * The node type API. Built-in node types and users' custom node types are
 * declared with exactly this interface: a name, a version, a parameter
 * schema, input declarations and a `run` function. The runner executes
 * `run` in a child process and passes it a context for progress events,
 * checkpoints and logging.
 */
import type { NodeEmittedEvent } from '../events/events.js';

/** Schema of one parameter. Validation happens before anything runs. */
export type ParamSpec =
  | {
      type: 'integer' | 'number';
      description: string;
      default?: number;
      /** Inclusive lower bound. */
      min?: number;
      /** Inclusive upper bound. */
      max?: number;
      /** Exclusive lower bound, for values such as learning rates. */
      exclusiveMin?: number;
    }
  | { type: 'string'; description: string; default?: string; pattern?: string }
  | { type: 'boolean'; description: string; default?: boolean }
  | {
      type: 'enum';
      description: string;
      values: readonly string[];
      default?: string;
    }
  | {
      type: 'array';
      description: string;
      items: ParamSpec;
      default?: unknown[];
      minItems?: number;
      maxItems?: number;
    }
  | {
      type: 'object';
      description: string;
      /** Known keys; unknown keys are rejected unless `additional` is set. */
      properties?: Record<string, ParamSpec>;
      /** Schema of values under keys not listed in `properties`. */
      additional?: ParamSpec;
      default?: Record<string, unknown>;
    }
  | {
      /** Any JSON value; the node validates it itself. */
      type: 'json';
      description: string;
      default?: unknown;
    };

/** A parameter schema: parameter name to spec. No default means required. */
export type ParamSchema = Record<string, ParamSpec>;

/** Declaration of one named input. */
export interface InputSpec {
  /**
   * Artifact kind the input must be, for example `dataset` or `model`;
   * `*` accepts any kind.
   */
  kind: string | readonly string[];
  description: string;
  /** Whether the input takes a list of nodes. */
  multiple?: boolean;
  /** Whether the input may be left out. */
  optional?: boolean;
}

/** Branded hex SHA-256 of everything that determines a node's result. */
export type CacheKey = string & { readonly __brand: 'CacheKey' };

/** Branded hex SHA-256 of an artifact's content (its manifest). */
export type ArtifactDigest = string & { readonly __brand: 'ArtifactDigest' };

/** A published artifact handed to a downstream node. */
export interface ArtifactRef {
  key: CacheKey;
  digest: ArtifactDigest;
  /** Absolute path of the artifact's folder in the store (read-only). */
  dir: string;
  /** Artifact kind, from the producing node type's `output`. */
  kind: string;
  /** Name of the node that produced it (without variant). */
  producer: string;
  /** The producing node's result summary, as returned by its `run`. */
  summary: Record<string, unknown>;
}

/** The context passed to a node's `run`. */
export interface NodeContext<P = Record<string, unknown>> {
  /** Resolved parameters: validated, with defaults filled in. */
  params: P;
  /** Input artifacts by input name; a list where the input is `multiple`. */
  inputs: Record<string, ArtifactRef | ArtifactRef[]>;
  /**
   * Empty folder whose whole content becomes the artifact when `run`
   * returns. Files written elsewhere are not kept.
   */
  outDir: string;
  /**
   * Folder that survives an interrupted attempt of the same cache key, for
   * checkpoints. Removed after the artifact is published.
   */
  workDir: string;
  /** Root folder of datasets (`--data-dir` or `DISTILLERY_DATA`). */
  dataDir: string;
  /** Folder of the pipeline file, for resolving relative paths. */
  pipelineDir: string;
  /** Node name as written in the pipeline file. */
  nodeName: string;
  /** Sends a progress, log or metric event to the runner. */
  emit(event: NodeEmittedEvent): void;
  /** Aborted when the run is cancelled; long loops should check it. */
  signal: AbortSignal;
}

/** Folders that relative dependency paths are resolved against. */
export interface DependencyPaths {
  dataDir: string;
  pipelineDir: string;
}

/** The result of `run`: a JSON summary stored with the artifact. */
export interface NodeResult {
  /** Headline numbers, shown in run records and summaries. */
  metrics?: Record<string, number>;
  /** Any other JSON data that downstream nodes or reports read. */
  summary?: Record<string, unknown>;
}

/** A node type: what the pipeline file's `type:` names. */
export interface NodeType<P = any> {
  /** Name used in pipeline files, kebab-case. */
  name: string;
  /**
   * Version string, bumped by hand for changes that the source fingerprint
   * cannot see (for example a changed data file the code reads).
   */
  version: string;
  /** One sentence for `distillery types` and error messages. */
  description: string;
  params: ParamSchema;
  /**
   * Inputs by name. An entry named `*` accepts any other input name that a
   * pipeline file writes, with that entry's spec.
   */
  inputs: Record<string, InputSpec>;
  /** Kind of artifact the node produces, for example `model`. */
  output: string;
  /**
   * Absolute path or `file:` URL of the module that defines the type. Its
   * source and every relative import it reaches are hashed into the
   * implementation fingerprint, part of the cache key.
   */
  module: string;
  /**
   * Whether the node needs TensorFlow.js: the worker initialises the
   * engine before calling `run`.
   */
  usesEngine?: boolean;
  /**
   * Files or folders outside the store that the node reads, such as dataset
   * files. Their content digests join the cache key, so editing a data file
   * re-runs the node while touching its modification time does not.
   */
  fileDependencies?(
    params: P,
    paths: DependencyPaths,
  ): FileDependency[] | Promise<FileDependency[]>;
  /** Environment variables whose values join the cache key. */
  environment?(params: P): string[];
  run(context: NodeContext<P>): Promise<NodeResult>;
}

/**
 * A file or folder a node reads: its path, or its path with the SHA-256
 * digest its content will have. The digest replaces the hash of a file that
 * does not exist yet, such as a pinned download that `run` fetches, so that
 * planning needs no network. An existing file is always hashed.
 */
export type FileDependency = string | { path: string; sha256: string };

/** Helper that keeps the params type while checking the declaration. */
export function defineNodeType<P>(type: NodeType<P>): NodeType<P> {
  return type;
}
