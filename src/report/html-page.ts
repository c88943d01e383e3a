/**
 * The report page: static HTML with inline CSS and inline SVG charts, so
 * it opens offline and runs no script.
 */
import type { CompareTable } from './compare.js';
import { graphSvg, type GraphModel } from './graph-svg.js';
import { escapeHtml } from './html-escape.js';
import { comparisonTableHtml } from './html-tables.js';
import type { ReportChart } from './report-charts.js';
import { renderSvg } from './render-svg.js';

/** Everything shown on the report page. */
export interface ReportPage {
  title: string;
  /** Label and value pairs shown under the title (runs, store, engine). */
  facts: [string, string][];
  /** The pipeline graph; `null` where no run record is available. */
  graph: GraphModel | null;
  /** HTML table of every planned node; empty to leave it out. */
  nodesTable: string;
  /** The metrics table; `null` when no evaluate node finished. */
  table: CompareTable | null;
  /** HTML table of convergence per training node; empty to leave it out. */
  convergenceTable: string;
  curves: ReportChart[];
  bars: ReportChart[];
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto;
  max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; }
dl.facts { display: grid; grid-template-columns: max-content auto;
  gap: 0.2em 1em; } dl.facts dt { font-weight: bold; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; }
thead th { background: #f3f3f3; } td.number { text-align: right;
  font-variant-numeric: tabular-nums; } tr.baseline { background: #fffbe6; }
tr.status-failed td { background: #fdecea; }
td.number { white-space: nowrap; }
figure { margin: 1em 0; overflow-x: auto; } div.scroll { overflow-x: auto; }
svg.graph { max-width: 100%; height: auto; }
figcaption, p.legend, p.note { color: #555; font-size: 0.9em; }
`;

/** Renders the report page, with every chart rendered to inline SVG. */
export async function renderReportPage(page: ReportPage): Promise<string> {
  const sections = [
    `<h1>${escapeHtml(page.title)}</h1>`,
    factsHtml(page.facts),
    graphSection(page),
    '<h2>Metrics</h2>',
    page.table
      ? `<div class="scroll">${comparisonTableHtml(page.table)}</div>`
      : '<p class="note">No variant has a finished evaluate node.</p>',
    await chartsSection(
      'Training curves',
      page.curves,
      'No node of these runs kept a per-epoch history.',
    ),
    page.convergenceTable === ''
      ? ''
      : `<h3>Convergence</h3>\n${page.convergenceTable}`,
    await chartsSection('Final metrics', page.bars, 'No metric to chart.'),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    ...sections.filter((s) => s !== ''),
    '</body></html>',
    '',
  ].join('\n');
}

function factsHtml(facts: readonly [string, string][]): string {
  if (facts.length === 0) return '';
  const items = facts.map(
    ([label, value]) =>
      `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`,
  );
  return `<dl class="facts">${items.join('')}</dl>`;
}

function graphSection(page: ReportPage): string {
  if (!page.graph) return '';
  const parts = ['<h2>Graph</h2>', `<figure>${graphSvg(page.graph)}</figure>`];
  if (page.nodesTable !== '') {
    parts.push(
      '<details><summary>Every planned node</summary>' +
        `${page.nodesTable}</details>`,
    );
  }

  return parts.join('\n');
}

async function chartsSection(
  heading: string,
  charts: readonly ReportChart[],
  emptyNote: string,
): Promise<string> {
  const parts = [`<h2>${escapeHtml(heading)}</h2>`];
  if (charts.length === 0)
    parts.push(`<p class="note">${escapeHtml(emptyNote)}</p>`);
  for (const chart of charts) {
    parts.push(
      '<figure class="chart">',
      `<h3>${escapeHtml(chart.title)}</h3>`,
      await renderSvg(chart.spec),
      `<figcaption>${escapeHtml(chart.caption)}</figcaption>`,
      '</figure>',
    );
  }

  return parts.join('\n');
}
