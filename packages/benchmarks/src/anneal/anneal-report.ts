import path from 'node:path';
import { writeFileAtomic } from '@maria-ts/core';
import { writeVegaLiteSvg } from '@maria-ts/eval';
import { annealChartSpec } from './anneal-chart.js';
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

/** Writes anneal.json (settings, points, curve, examples) and anneal.svg (Figure 5, `annealChartSpec`). */
export async function writeAnnealArtefacts(out: string, result: AnnealBenchResult, metadata: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path.join(out, 'anneal.json'), `${JSON.stringify({ ...metadata, ...result }, null, 2)}\n`);
  await writeVegaLiteSvg(path.join(out, 'anneal.svg'), annealChartSpec(result));
}
