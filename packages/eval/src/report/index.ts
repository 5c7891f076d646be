export { lineChartSpec, renderLineChartSvg, writeLineChart, type ChartSeries, type LineChartOptions } from './line-chart.js';
export { markdownTable, type MarkdownAlign } from './markdown-table.js';
export { renderVegaLiteSvg, writeVegaLiteSvg } from './vega-lite-svg.js';
