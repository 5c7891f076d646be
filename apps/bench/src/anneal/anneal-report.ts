import path from 'node:path';
import { writeFileAtomic } from '@maria-ts/core';
import { writeLineChart } from '@maria-ts/eval';
import type { AnnealBenchResult } from './run-anneal-bench.js';

/** The human-readable table: one row per method and setting, then the annealing curve's endpoints. */
export function formatAnnealTable(result: AnnealBenchResult): string {
  const lines = ['| method | setting | s / sample | gen PPL | entropy (bits) |', '|---|---|---:|---:|---:|'];
  for (const point of result.points) {
    const setting = point.method === 'maria-anneal' ? `K=${point.setting}` : `${point.setting} steps`;
    lines.push(`| ${point.method} | ${setting} | ${point.seconds.toFixed(2)} | ${point.genPpl.toFixed(1)} | ${point.entropy.toFixed(2)} |`);
  }
  const curve = result.trajectory.points;
  const first = curve[0];
  const last = curve.at(-1);
  if (first && last && curve.length > 1) {
    lines.push(
      '',
      `annealing curve (K=${result.trajectory.iterations}): gen PPL ${first.genPpl.toFixed(1)} at iteration 0 (x⁰, ${first.seconds.toFixed(2)} s, entropy ${first.entropy.toFixed(2)} bits) → ${last.genPpl.toFixed(1)} at iteration ${last.iteration} (${last.seconds.toFixed(2)} s, entropy ${last.entropy.toFixed(2)} bits)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes anneal.json (settings, points, curve, examples) and anneal.svg, Figure 5: gen PPL
 * against seconds per sample, one series per method, plus the per-iteration curve of the
 * largest K (log-scale PPL). The diffusion series says `(MLM)` when the plain MLM stood in for
 * a missing MDLM encoder.
 */
export async function writeAnnealArtefacts(out: string, result: AnnealBenchResult, metadata: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path.join(out, 'anneal.json'), `${JSON.stringify({ ...metadata, ...result }, null, 2)}\n`);
  const maria = result.points.filter((p) => p.method === 'maria-anneal');
  const diffusion = result.points.filter((p) => p.method === 'diffusion');
  const series = [
    { name: `MARIA anneal, K=${maria.map((p) => p.setting).join(',')}`, points: maria },
    { name: `diffusion${result.diffusionEncoder === 'mlm' ? ' (MLM)' : ''}, ${diffusion.map((p) => p.setting).join(',')} steps`, points: diffusion },
  ]
    .filter((entry) => entry.points.length > 0)
    .map((entry) => ({ name: entry.name, points: entry.points.map((p) => ({ x: p.seconds, y: p.genPpl })) }));
  if (result.trajectory.points.length > 1) {
    series.push({ name: `MARIA K=${result.trajectory.iterations}, per iteration`, points: result.trajectory.points.map((p) => ({ x: p.seconds, y: p.genPpl })) });
  }
  await writeLineChart(path.join(out, 'anneal.svg'), {
    title: 'Unconditional generation: generative perplexity under the judge vs wall-clock',
    xLabel: 'seconds per sample',
    yLabel: 'gen PPL (judge)',
    series,
    logY: true,
  });
}
