/**
 * Renders Vega-Lite specifications to SVG text in Node, so the report can
 * inline its charts and needs no script to display them.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';

/** A Vega-Lite specification, as plain JSON. */
export type VegaLiteSpec = vl.TopLevelSpec;

/** Shared look of every chart: font and padding. */
const CHART_CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12 },
};

/**
 * Compiles a Vega-Lite specification to Vega and renders it headless.
 * Returns the `<svg>` element as text.
 *
 * Note: without a canvas package Vega estimates text widths from character
 * counts, so label truncation is approximate.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const withConfig = {
    ...spec,
    config: { ...CHART_CONFIG, ...spec.config },
  } as VegaLiteSpec;
  const compiled = vl.compile(withConfig).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
