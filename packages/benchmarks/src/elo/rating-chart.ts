import type { TopLevelSpec } from 'vega-lite';
import type { RatingInterval } from '@maria-ts/elo';
import { renderVegaLiteSvg, seriesColorScale, writeVegaLiteSvg } from '@maria-ts/eval';

export interface RatingChartOptions {
  readonly title: string;
  /** Rows best first, as `bootstrapRatings` returns them. */
  readonly intervals: readonly RatingInterval[];
  /** e.g. 0.95, shown in the axis title. */
  readonly confidence: number;
}

/** The chart title `maria-bench elo` gives its run: judge, passage count and share of words masked. */
export function eloChartTitle(judge: string, prompts: number, maskRate: number): string {
  return `Infill ELO (judge ${judge}, ${prompts} passages, ${Math.round(maskRate * 100)}% of words masked)`;
}

/**
 * The Vega-Lite spec of Figure 4: one row per system, best at the top, a point at its
 * maximum-likelihood rating and a bar across its bootstrap percentile interval.
 */
export function ratingChartSpec(options: RatingChartOptions): TopLevelSpec {
  const values = options.intervals.map((row) => ({ system: row.model, rating: row.rating, lower: row.lower, upper: row.upper }));
  const order = options.intervals.map((row) => row.model);
  const y = { field: 'system', type: 'nominal' as const, sort: order, title: 'system', axis: { labelLimit: 0 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: options.title, subtitle: `point: maximum-likelihood rating; bar: ${Math.round(options.confidence * 100)}% bootstrap interval` },
    width: 420,
    height: Math.max(120, 36 * values.length),
    background: 'white',
    data: { values },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          y,
          x: { field: 'lower', type: 'quantitative', scale: { zero: false }, title: 'ELO rating (Elo points)' },
          x2: { field: 'upper' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: { y, x: { field: 'rating', type: 'quantitative' }, color: { field: 'system', type: 'nominal', legend: null, scale: seriesColorScale(order) } },
      },
      {
        mark: { type: 'text', dy: -12 },
        encoding: { y, x: { field: 'rating', type: 'quantitative' }, text: { field: 'rating', type: 'quantitative', format: '.0f' } },
      },
    ],
  };
}

/** Renders the rating chart to a standalone SVG string, headless (no browser, no canvas). */
export function renderRatingChartSvg(options: RatingChartOptions): Promise<string> {
  return renderVegaLiteSvg(ratingChartSpec(options));
}

/** Renders the rating chart and writes it atomically as SVG. */
export function writeRatingChart(file: string, options: RatingChartOptions): Promise<void> {
  return writeVegaLiteSvg(file, ratingChartSpec(options));
}
