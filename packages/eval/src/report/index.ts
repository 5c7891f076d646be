export { lineChartSpec, renderLineChartSvg, writeLineChart, type ChartSeries, type LineChartOptions } from './line-chart.js';
