/** Builds the `NodeSpec`s of `PipelineSpec` from an interpolated tree. */
import { setOwn, toPlain, type MapNode, type TreeNode } from './tree.js';
import type { NodeSpec, SourceLocation } from './types.js';

/** Nodes as written, after interpolation and `--set`, without defaults. */
export function nodeSpecs(root: MapNode): NodeSpec[] {
  const nodes = root.entries.get('nodes')?.value;
  if (nodes?.kind !== 'map') return [];
  const specs: NodeSpec[] = [];

  for (const entry of nodes.entries.values()) {
    const body = entry.value;
    if (body.kind !== 'map') continue;
    const type = body.entries.get('type')?.value;
    const params = body.entries.get('params')?.value;
    const inputs = body.entries.get('inputs')?.value;
    const locations: Record<string, SourceLocation> = {};
    if (type) locations.type = type.location;
    collectLocations(params, 'params', locations);
    collectLocations(inputs, 'inputs', locations);

    specs.push({
      name: entry.key,
      type:
        type?.kind === 'scalar' && typeof type.value === 'string'
          ? type.value
          : '',
      params:
        params?.kind === 'map'
          ? (toPlain(params) as Record<string, unknown>)
          : {},
      inputs: inputsOf(inputs),
      location: entry.keyLocation,
      locations,
    });
  }

  return specs;
}

function inputsOf(
  node: TreeNode | undefined,
): Record<string, string | string[]> {
  const inputs: Record<string, string | string[]> = {};
  if (node?.kind !== 'map') return inputs;

  for (const [key, entry] of node.entries) {
    const value = toPlain(entry.value);
    const isList =
      Array.isArray(value) && value.every((item) => typeof item === 'string');
    if (typeof value === 'string' || isList) setOwn(inputs, key, value);
  }

  return inputs;
}

function collectLocations(
  node: TreeNode | undefined,
  path: string,
  locations: Record<string, SourceLocation>,
): void {
  if (node === undefined) return;
  if (node.kind === 'map') {
    for (const [key, entry] of node.entries) {
      locations[`${path}.${key}`] = entry.value.location;
      collectLocations(entry.value, `${path}.${key}`, locations);
    }
  } else if (node.kind === 'list') {
    node.items.forEach((item, index) => {
      locations[`${path}.${index}`] = item.location;
      collectLocations(item, `${path}.${index}`, locations);
    });
  }
}
