import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '@maria-ts/core';

/**
 * Renders any Vega-Lite spec to a standalone SVG string, headless (no browser, no canvas), and
 * frees the Vega view: the one place charts are drawn, so benchmarks with their own spec
 * (the ELO rating chart) render exactly like `renderLineChartSvg`.
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a Vega-Lite spec and writes the SVG atomically to `file`. */
export async function writeVegaLiteSvg(file: string, spec: TopLevelSpec): Promise<void> {
  await writeFileAtomic(file, await renderVegaLiteSvg(spec));
}
