/**
 * The HTML tables of the report: the comparison and the planned nodes.
 */
import {
  formatDelta,
  formatMean,
  labelHeader,
  labelIsRedundant,
  legendLines,
} from './cell-text.js';
import type { CompareRow, CompareTable } from './compare.js';
import { CONVERGED_FRACTION, type ConvergenceRow } from './convergence.js';
import { escapeHtml } from './html-escape.js';
import type { RunRecord } from '../runner/run-record.js';

/** Renders the comparison as an HTML table followed by its legend. */
export function comparisonTableHtml(table: CompareTable): string {
  const fixed = [
    ...(labelIsRedundant(table) ? [] : [labelHeader(table)]),
    ...table.paramColumns,
  ];
  const span = table.baseline === null ? 1 : 2;
  const top = [
    ...fixed.map((name) => `<th rowspan="2">${escapeHtml(name)}</th>`),
    ...modelHeaders(table, span),
  ];
  const bottom = table.metricColumns.flatMap((c) => [
    `<th>${escapeHtml(c.metric)}</th>`,
    ...(span === 2 ? ['<th>Δ</th>'] : []),
  ]);
  const body = table.rows.map((row) => comparisonRowHtml(table, row));
  const legend = legendLines(table).map(
    (line) => `<p class="legend">${escapeHtml(line)}</p>`,
  );
  return [
    '<table class="metrics">',
    `<thead><tr>${top.join('')}</tr><tr>${bottom.join('')}</tr></thead>`,
    `<tbody>${body.join('\n')}</tbody>`,
    '</table>',
    ...legend,
  ].join('\n');
}

/** Renders the convergence summary as an HTML table. */
export function convergenceTableHtml(rows: readonly ConvergenceRow[]): string {
  const percent = Math.round(CONVERGED_FRACTION * 100);
  const header = [
    'node',
    'row',
    'curves',
    'valid NDCG@10 after epoch 1',
    'best valid NDCG@10',
    'epoch of best',
    `first epoch at ${percent}% of best`,
  ];
  const body = rows.map((row) => {
    const cells = [
      `<td>${escapeHtml(row.node)}</td>`,
      `<td>${escapeHtml(row.label)}</td>`,
      ...[
        String(row.curves),
        row.firstValidNdcg10.toFixed(4),
        row.bestValidNdcg10.toFixed(4),
        row.bestEpoch.toFixed(1),
        row.convergedEpoch.toFixed(1),
      ].map((text) => `<td class="number">${text}</td>`),
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  return [
    '<table class="convergence">',
    `<thead><tr>${headerCells(header)}</tr></thead>`,
    `<tbody>${body.join('\n')}</tbody>`,
    '</table>',
    '<p class="legend">Epochs are means over the curves of a row; each ' +
      'curve is measured against its own best value.</p>',
  ].join('\n');
}

function headerCells(names: readonly string[]): string {
  return names.map((name) => `<th>${escapeHtml(name)}</th>`).join('');
}

/** Renders every planned node of the records as a table. */
export function nodesTableHtml(records: readonly RunRecord[]): string {
  const header = ['run', 'node', 'type', 'status', 'duration', 'cache key'];
  const rows = records.flatMap((record) =>
    Object.values(record.nodes).map((node) => {
      const cells = [
        record.id,
        node.id,
        node.type,
        node.status,
        node.durationMs === undefined
          ? ''
          : `${(node.durationMs / 1000).toFixed(1)} s`,
        node.key.slice(0, 12),
      ];
      const html = cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('');
      return `<tr class="status-${escapeHtml(node.status)}">${html}</tr>`;
    }),
  );
  return [
    '<table class="nodes">',
    `<thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

/** Builds one header cell per run of adjacent columns of one model. */
function modelHeaders(table: CompareTable, span: number): string[] {
  const runs: { model: string; columns: number }[] = [];
  for (const column of table.metricColumns) {
    const last = runs[runs.length - 1];
    if (last?.model === column.modelLabel) last.columns += 1;
    else runs.push({ model: column.modelLabel, columns: 1 });
  }

  return runs.map(
    (run) =>
      `<th colspan="${run.columns * span}">${escapeHtml(run.model)}</th>`,
  );
}

function comparisonRowHtml(table: CompareTable, row: CompareRow): string {
  const isBaseline = row.label === table.baseline;
  const label = labelIsRedundant(table)
    ? []
    : [`<th scope="row">${escapeHtml(row.label)}</th>`];
  const cells = [
    ...label,
    ...table.paramColumns.map(
      (n) => `<td>${escapeHtml(row.params[n] ?? '-')}</td>`,
    ),
  ];
  for (const cell of row.cells) {
    cells.push(`<td class="number">${escapeHtml(formatMean(cell, ' '))}</td>`);
    if (table.baseline === null) continue;
    const delta = escapeHtml(formatDelta(cell, isBaseline));
    const title =
      cell.pValue === null ? '' : ` title="p = ${cell.pValue.toPrecision(3)}"`;
    const content = cell.significant ? `<strong>${delta}</strong>` : delta;
    cells.push(`<td class="number"${title}>${content}</td>`);
  }

  const rowClass = isBaseline ? ' class="baseline"' : '';
  return `<tr${rowClass}>${cells.join('')}</tr>`;
}
