/**
 * `loadPipeline`: reads a pipeline file, applies `--set` overrides,
 * interpolates variables, expands variants and validates everything,
 * collecting every problem before throwing.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { NodeTypeRegistry } from '../nodes/registry.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import {
  evaluateVariant,
  mergeVariantDiagnostics,
  type LoadedState,
} from './evaluate.js';
import { MAX_FILE_BYTES, MAX_PLANNED_NODES } from './limits.js';
import { nodeSpecs } from './node-specs.js';
import { overrideSource, parseSetArguments } from './overrides.js';
import { PipelineError } from './pipeline-error.js';
import { readYamlTree } from './read-yaml.js';
import { fileLocation, OVERRIDE_FILE, SourceText } from './source-text.js';
import { checkTopLevel } from './top-level.js';
import { toPlain, type MapNode } from './tree.js';
import type { PipelineSpec } from './types.js';
import { readVariants, type VariantDraft } from './variants.js';

/** Options of `loadPipeline`. */
export interface LoadOptions {
  /**
   * `--set` values, `DOTTED.PATH=VALUE`. VALUE is read as YAML, so `30` is
   * a number and `[a, b]` a list. They apply before interpolation, and on
   * top of every variant. Default none.
   */
  overrides?: string[];
  /** Node types that `type:` may name. */
  registry: NodeTypeRegistry;
}

const states = new WeakMap<PipelineSpec, LoadedState>();

/** Returns what loading kept of a spec, if `loadPipeline` made it. */
export function loadedState(spec: PipelineSpec): LoadedState | undefined {
  return states.get(spec);
}

/**
 * Loads and validates a pipeline file. Throws `PipelineError` with every
 * problem found; with variants, every variant is validated.
 */
export async function loadPipeline(
  file: string,
  options: LoadOptions,
): Promise<PipelineSpec> {
  const absolute = path.resolve(file);
  const text = await readPipelineText(absolute);
  return loadPipelineSource(text, absolute, options);
}

async function readPipelineText(file: string): Promise<string> {
  const fail = (reason: Diagnostic['reason'], message: string): never => {
    throw new PipelineError(
      [diagnostic(reason, fileLocation(file), message)],
      new Map(),
    );
  };

  try {
    const { size } = await stat(file);
    if (size > MAX_FILE_BYTES) {
      fail(
        'file-too-large',
        `The pipeline file is ${size} bytes, more than the limit of ${MAX_FILE_BYTES}: split it.`,
      );
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return fail(
      'file-unreadable',
      `Cannot read the pipeline file (${code}): check the path and its permissions.`,
    );
  }
}

/**
 * Loads a pipeline from text, as `loadPipeline` does from a file; `file`
 * names the text in locations.
 */
export function loadPipelineSource(
  text: string,
  file: string,
  options: LoadOptions,
): PipelineSpec {
  const absolute = path.resolve(file);
  const args = options.overrides ?? [];
  const fileSource = new SourceText(absolute, text.replace(/^\uFEFF/, ''));
  const setSource = overrideSource(args);
  const sources = new Map([
    [absolute, fileSource],
    [OVERRIDE_FILE, setSource],
  ]);
  const diagnostics: Diagnostic[] = [];

  const parsed = readYamlTree(fileSource);
  diagnostics.push(...parsed.diagnostics);
  const top =
    parsed.tree === undefined
      ? undefined
      : checkTopLevel(parsed.tree, absolute);
  diagnostics.push(...(top?.diagnostics ?? []));
  const root = top?.root;

  const sets = parseSetArguments(args, setSource, root, options.registry);
  diagnostics.push(...sets.diagnostics);
  if (root === undefined) throw new PipelineError(diagnostics, sources);

  const variants = readVariants(
    root.entries.get('variants')?.value,
    root,
    options.registry,
  );
  diagnostics.push(...variants.diagnostics);
  const state: LoadedState = {
    root,
    sets: sets.overrides,
    variants: variants.variants,
    sources,
  };
  const base = evaluateVariant(state, null, options.registry);
  state.base = { evaluation: base, registry: options.registry };
  diagnostics.push(...validateAll(state, base.diagnostics, options.registry));
  if (diagnostics.length > 0) throw new PipelineError(diagnostics, sources);

  const spec = specFrom(state, base.tree, absolute);
  states.set(spec, state);
  return spec;
}

/**
 * Returns the problems of the base pipeline, or of every variant when
 * there are variants: the base alone is never run then.
 */
function validateAll(
  state: LoadedState,
  baseDiagnostics: Diagnostic[],
  registry: NodeTypeRegistry,
): Diagnostic[] {
  if (state.variants.length === 0) return baseDiagnostics;
  const tooMany = plannedNodesProblem(state);
  if (tooMany !== undefined) return [tooMany];

  return mergeVariantDiagnostics(
    state.variants.map((variant) => ({
      variant: variant.name,
      diagnostics: evaluateVariant(state, variant, registry).diagnostics,
    })),
  );
}

function plannedNodesProblem(state: LoadedState): Diagnostic | undefined {
  const nodes = (state.root.entries.get('nodes')!.value as MapNode).entries
    .size;
  const planned = nodes * state.variants.length;
  if (planned <= MAX_PLANNED_NODES) return undefined;
  const location = state.root.entries.get('variants')!.keyLocation;
  return diagnostic(
    'too-many-variants',
    location,
    `${state.variants.length} variants of ${nodes} nodes plan ${planned} node executions, more than the limit of ${MAX_PLANNED_NODES}: sweep fewer values.`,
    {
      expected: `at most ${MAX_PLANNED_NODES} planned nodes`,
      received: `${planned} planned nodes`,
    },
  );
}

function specFrom(
  state: LoadedState,
  tree: MapNode,
  file: string,
): PipelineSpec {
  const vars = tree.entries.get('vars')?.value;
  const name = tree.entries.get('name')?.value;
  return {
    name: name?.kind === 'scalar' ? String(name.value) : '',
    file,
    vars:
      vars?.kind === 'map' ? (toPlain(vars) as Record<string, unknown>) : {},
    nodes: nodeSpecs(tree),
    variants: state.variants.map(variantSpec),
  };
}

function variantSpec(variant: VariantDraft): PipelineSpec['variants'][number] {
  const overrides: Record<string, unknown> = {};
  for (const override of variant.overrides)
    overrides[override.path.join('.')] = toPlain(override.value);
  return { name: variant.name, overrides };
}
