/**
 * The pipeline graph of the report: nodes by name (variants folded into
 * one box with a count per status) in columns by depth, drawn as SVG.
 */
import type { NodeRecord, RunRecord } from '../runner/run-record.js';
import { escapeHtml } from './html-escape.js';

/** A node of the folded graph. */
export interface GraphNode {
  name: string;
  type: string;
  /** Length of the longest path from a node without inputs. */
  depth: number;
  /** Number of planned nodes (one per variant) in each status. */
  statusCounts: Record<string, number>;
}

/** The graph of node names and the edges between them. */
export interface GraphModel {
  nodes: GraphNode[];
  /** `[upstream, downstream]` node names. */
  edges: [string, string][];
}

const BOX_WIDTH = 150;
const BOX_HEIGHT = 48;
const COLUMN_GAP = 40;
const ROW_GAP = 22;
const MARGIN = 10;
/** Height an edge that skips columns rises above the boxes, per column. */
const ARC_RISE_PER_COLUMN = 14;

/** Fill colours by the most important status in a box. */
const STATUS_COLOURS: [string, string][] = [
  ['failed', '#f4c7c3'],
  ['cancelled', '#fce8b2'],
  ['running', '#fce8b2'],
  ['pending', '#eeeeee'],
  ['skipped', '#eeeeee'],
  ['ran', '#c8e6c9'],
  ['cached', '#c6dafc'],
];

/** A variant of a run whose nodes the graph shows. */
export interface GraphSelection {
  runId: string;
  variant: string | null;
}

/**
 * Folds the planned nodes of the records into one node per name; with
 * `selection`, only the nodes of those variants of those runs. Edges come
 * from `declaredEdges` and from the cache key fields: an input digest that
 * equals another node's artifact digest in the same run is an edge from
 * that node. Declared edges between names outside the graph are dropped.
 */
export function graphFromRecords(
  records: readonly RunRecord[],
  selection?: readonly GraphSelection[],
  declaredEdges: readonly [string, string][] = [],
): GraphModel {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, [string, string]>();
  for (const record of records) {
    const all = Object.values(record.nodes).filter(
      (node) =>
        !selection ||
        selection.some(
          (s) => s.runId === record.id && s.variant === node.variant,
        ),
    );
    for (const node of all) {
      const entry = nodes.get(node.name) ?? newNode(node);
      entry.statusCounts[node.status] =
        (entry.statusCounts[node.status] ?? 0) + 1;
      nodes.set(node.name, entry);
      for (const upstream of upstreamNames(node, all)) {
        edges.set(`${upstream}\u0000${node.name}`, [upstream, node.name]);
      }
    }
  }

  for (const [from, to] of declaredEdges) {
    if (nodes.has(from) && nodes.has(to))
      edges.set(`${from}\u0000${to}`, [from, to]);
  }

  const model = { nodes: [...nodes.values()], edges: [...edges.values()] };
  assignDepths(model);
  return model;
}

/** Draws the graph as an SVG element, nodes left to right by depth. */
export function graphSvg(model: GraphModel): string {
  const columns = new Map<number, GraphNode[]>();
  for (const node of model.nodes) {
    columns.set(node.depth, [...(columns.get(node.depth) ?? []), node]);
  }

  // Edges that skip columns arc over the boxes, so the top margin grows
  // with the longest skip.
  const depthOf = new Map(model.nodes.map((n) => [n.name, n.depth]));
  const spans = model.edges.map(
    ([from, to]) => (depthOf.get(to) ?? 0) - (depthOf.get(from) ?? 0),
  );
  const top = MARGIN + ARC_RISE_PER_COLUMN * Math.max(0, ...spans);
  const positions = new Map<string, { x: number; y: number }>();
  for (const [depth, column] of columns) {
    column.forEach((node, row) => {
      positions.set(node.name, {
        x: MARGIN + depth * (BOX_WIDTH + COLUMN_GAP),
        y: top + row * (BOX_HEIGHT + ROW_GAP),
      });
    });
  }

  const depths = Math.max(0, ...columns.keys()) + 1;
  const rows = Math.max(1, ...[...columns.values()].map((c) => c.length));
  const width = 2 * MARGIN + depths * BOX_WIDTH + (depths - 1) * COLUMN_GAP;
  const height = top + MARGIN + rows * BOX_HEIGHT + (rows - 1) * ROW_GAP;
  const edges = model.edges.map(([from, to]) =>
    edgePath(positions.get(from), positions.get(to)),
  );
  const boxes = model.nodes.map((n) => nodeBox(n, positions.get(n.name)!));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="${width}" ` +
      `height="${height}" viewBox="0 0 ${width} ${height}" role="img" ` +
      'aria-label="pipeline graph">',
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" ' +
      'markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
      '<path d="M0,0L10,5L0,10z" fill="#666"/></marker></defs>',
    ...edges,
    ...boxes,
    '</svg>',
  ].join('\n');
}

/** Returns `3 ran, 3 cached`-style text for a node's status counts. */
export function statusSummary(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
}

function newNode(node: NodeRecord): GraphNode {
  return { name: node.name, type: node.type, depth: 0, statusCounts: {} };
}

function upstreamNames(node: NodeRecord, all: readonly NodeRecord[]): string[] {
  const digests = Object.values(node.keyFields?.inputs ?? {}).flat();
  return all
    .filter(
      (other) => other.artifactDigest && digests.includes(other.artifactDigest),
    )
    .map((other) => other.name);
}

/** Longest-path depths; edges that would form a cycle are ignored. */
function assignDepths(model: GraphModel): void {
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  for (let pass = 0; pass < model.nodes.length; pass++) {
    let changed = false;
    for (const [from, to] of model.edges) {
      const next = (byName.get(from)?.depth ?? 0) + 1;
      const target = byName.get(to);
      if (target && target.depth < next && next < model.nodes.length) {
        target.depth = next;
        changed = true;
      }
    }

    if (!changed) return;
  }
}

function nodeBox(node: GraphNode, at: { x: number; y: number }): string {
  const fill =
    STATUS_COLOURS.find(([status]) => node.statusCounts[status])?.[1] ?? '#eee';
  const centre = at.x + BOX_WIDTH / 2;
  return [
    `<g class="node"><rect x="${at.x}" y="${at.y}" width="${BOX_WIDTH}" ` +
      `height="${BOX_HEIGHT}" rx="6" fill="${fill}" stroke="#555"/>`,
    text(centre, at.y + 16, node.name, 'font-weight="bold"'),
    text(centre, at.y + 29, node.type, 'fill="#444"'),
    text(centre, at.y + 42, statusSummary(node.statusCounts), 'fill="#444"'),
    '</g>',
  ].join('');
}

function text(x: number, y: number, content: string, extra: string): string {
  return (
    `<text x="${x}" y="${y}" text-anchor="middle" font-size="11" ` +
    `font-family="Helvetica, Arial, sans-serif" ${extra}>` +
    `${escapeHtml(content)}</text>`
  );
}

function edgePath(
  from: { x: number; y: number } | undefined,
  to: { x: number; y: number } | undefined,
): string {
  if (!from || !to) return '';
  const columns = Math.round((to.x - from.x) / (BOX_WIDTH + COLUMN_GAP));
  const attributes = 'fill="none" stroke="#666" marker-end="url(#arrow)"';
  if (columns > 1 && from.y === to.y) {
    // Skipping columns on the same row: arc over the boxes in between,
    // higher for longer skips so nested arcs stay apart.
    const x1 = from.x + BOX_WIDTH * 0.7;
    const x2 = to.x + BOX_WIDTH * 0.3;
    const rise = to.y - ARC_RISE_PER_COLUMN * columns;
    return (
      `<path class="edge" d="M${x1},${from.y}C${x1},${rise} ${x2},${rise} ` +
      `${x2},${to.y}" ${attributes}/>`
    );
  }

  const x1 = from.x + BOX_WIDTH;
  const y1 = from.y + BOX_HEIGHT / 2;
  const x2 = to.x;
  const y2 = to.y + BOX_HEIGHT / 2;
  const bend = (x2 - x1) / 2;
  return (
    `<path class="edge" d="M${x1},${y1}C${x1 + bend},${y1} ${x2 - bend},${y2} ` +
    `${x2},${y2}" ${attributes}/>`
  );
}
