import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec, type ChartSeries } from '@maria-ts/eval';
import type { AnnealBenchResult } from './run-anneal-bench.js';

/** The parts of an anneal result (or of anneal.json) the chart reads. */
export type AnnealChartInput = Pick<AnnealBenchResult, 'points' | 'trajectory' | 'diffusionEncoder'>;

/**
 * Figure 5: generative perplexity under the judge against seconds per sample, one series per
 * method, plus the per-iteration curve of the largest K (log-scale perplexity). The diffusion
 * series says `(MLM)` when the plain MLM stood in for a missing MDLM encoder.
 */
export function annealChartSpec(result: AnnealChartInput): TopLevelSpec {
  const maria = result.points.filter((p) => p.method === 'maria-anneal');
  const diffusion = result.points.filter((p) => p.method === 'diffusion');
  const series: ChartSeries[] = [
    { name: `MARIA anneal, K=${maria.map((p) => p.setting).join(',')}`, points: maria },
    { name: `diffusion${result.diffusionEncoder === 'mlm' ? ' (MLM)' : ''}, ${diffusion.map((p) => p.setting).join(',')} steps`, points: diffusion },
  ]
    .filter((entry) => entry.points.length > 0)
    .map((entry) => ({ name: entry.name, points: entry.points.map((p) => ({ x: p.seconds, y: p.genPpl })) }));
  if (result.trajectory.points.length > 1) {
    series.push({ name: `MARIA K=${result.trajectory.iterations}, per iteration`, points: result.trajectory.points.map((p) => ({ x: p.seconds, y: p.genPpl })) });
  }
  return lineChartSpec({
    title: 'Unconditional generation: generative perplexity under the judge vs wall-clock',
    x: { label: 'wall-clock time per sample', unit: 'seconds' },
    y: { label: 'generative perplexity under the judge', unit: 'exp of mean NLL, log scale', log: true },
    series,
  });
}
