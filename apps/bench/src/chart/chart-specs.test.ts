import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@maria-ts/core';
import { renderVegaLiteSvg } from '@maria-ts/eval';
import { describe, expect, it } from 'vitest';
import { chartFromResults, type OpsRow, type ResultsChart } from '@maria-ts/benchmarks';

const RESULTS = fileURLToPath(new URL('../../results', import.meta.url));

/** Every results JSON committed under apps/bench/results, relative to that folder. */
function resultFiles(dir = RESULTS): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return resultFiles(full);
    return entry.name.endsWith('.json') ? [full] : [];
  });
}

interface Charted {
  readonly file: string;
  readonly report: Record<string, unknown>;
  readonly chart: ResultsChart;
}

/** The committed results that have a chart (pos, head-loss, serve-load and bench-decode JSON have none). */
function chartedResults(): Charted[] {
  return resultFiles().flatMap((file) => {
    const report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    try {
      const chart = chartFromResults(report, file);
      return chart ? [{ file, report, chart }] : [];
    } catch (error) {
      if (InvalidArgumentError.isInstance(error)) return [];
      throw error;
    }
  });
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);
const specOf = (chart: ResultsChart): Node => chart.spec as unknown as Node;

/** The plots of a spec: each vconcat/hconcat member, or the spec itself; a plot's layers share its axes. */
function plots(spec: Node): Node[] {
  for (const key of ['vconcat', 'hconcat', 'concat']) {
    const members = spec[key];
    if (Array.isArray(members)) return members.filter(isNode).flatMap(plots);
  }
  return [spec];
}

/** The unit views of a plot, each with its own `encoding` (the plot itself, or its layers). */
function views(plot: Node): Node[] {
  return Array.isArray(plot.layer) ? plot.layer.filter(isNode) : [plot];
}

const encodingOf = (view: Node, channel: string): Node | undefined => {
  const encoding = view.encoding;
  return isNode(encoding) && isNode(encoding[channel]) ? encoding[channel] : undefined;
};

/** `label (unit)` with exactly one parenthesised unit that names a single unit. */
const AXIS_TITLE = /^[^()]+ \(([^()]+)\)$/;

describe('the charts maria-bench writes, rebuilt from the committed results', () => {
  const charted = chartedResults();

  it('covers every charting benchmark', () => {
    expect(new Set(charted.map((entry) => entry.chart.benchmark))).toEqual(new Set(['ops', 'throughput', 'ppl', 'anneal', 'init-curves', 'elo']));
    expect(charted.length).toBeGreaterThanOrEqual(20);
  });

  it('titles every quantitative axis "label (unit)", one unit per axis of each plot, and names categorical axes', () => {
    for (const { file, chart } of charted) {
      for (const plot of plots(specOf(chart))) {
        for (const channel of ['x', 'y']) {
          const encodings = views(plot).map((view) => encodingOf(view, channel)).filter((encoding) => encoding !== undefined);
          expect(encodings.length, `${file} ${channel}`).toBeGreaterThan(0);
          const titles = new Set(encodings.map((encoding) => encoding.title).filter((title) => title !== undefined));
          expect(titles.size, `${file} ${channel}: one title per axis`).toBe(1);
          const [title] = [...titles];
          expect(typeof title, `${file} ${channel}`).toBe('string');
          if (encodings[0]?.type !== 'quantitative') continue;
          const unit = AXIS_TITLE.exec(title as string)?.[1];
          expect(unit, `${file} ${channel} title "${String(title)}"`).toBeDefined();
          expect(unit, `${file} ${channel}: a single unit`).not.toMatch(/ or |;/);
        }
      }
    }
  });

  it('gives thread-count axes whole-number ticks only', () => {
    const threadAxes = charted.flatMap(({ file, chart }) =>
      plots(specOf(chart)).flatMap((plot) => views(plot).flatMap((view) => ['x', 'y'].map((channel) => ({ file, encoding: encodingOf(view, channel) })))),
    ).filter(({ encoding }) => typeof encoding?.title === 'string' && /threads/.test(encoding.title));
    expect(threadAxes.length).toBeGreaterThan(0);
    for (const { file, encoding } of threadAxes) {
      const axis = encoding?.axis as { format?: string; values?: number[]; tickMinStep?: number } | undefined;
      expect(axis?.format, file).toBe('d');
      expect(axis?.tickMinStep, file).toBe(1);
      for (const value of axis?.values ?? []) expect(Number.isInteger(value), `${file} tick ${value}`).toBe(true);
    }
  });

  it('gives every series of a plot its own colour and shows legend labels in full', () => {
    for (const { file, chart } of charted) {
      for (const plot of plots(specOf(chart))) {
        for (const view of views(plot)) {
          const color = encodingOf(view, 'color');
          if (!color) continue;
          const scale = color.scale as { domain: string[]; range: string[] } | undefined;
          expect(scale, `${file}: an explicit colour scale`).toBeDefined();
          const values = (((view.data ?? plot.data ?? specOf(chart).data) as { values: Node[] }).values).map((row) => row[color.field as string]);
          expect(new Set(scale?.domain), `${file}: every series in the domain`).toEqual(new Set(values));
          expect(scale?.range.length, file).toBe(scale?.domain.length);
          expect(new Set(scale?.range).size, `${file}: distinct colours`).toBe(scale?.range.length);
          if (color.legend !== null) expect((color.legend as { labelLimit?: number } | undefined)?.labelLimit, `${file}: untruncated legend labels`).toBe(0);
        }
      }
    }
  });

  it('plots GFLOP/s and tokens/s of maria-bench ops in separate panels, each from its own field', () => {
    const ops = charted.filter((entry) => entry.chart.benchmark === 'ops');
    expect(ops.length).toBeGreaterThan(0);
    for (const { file, report, chart } of ops) {
      const rows = report.rows as OpsRow[];
      const panels = plots(specOf(chart));
      const field = { 'GFLOP/s': (row: OpsRow) => row.gflops, 'tokens/s': (row: OpsRow) => row.tokensPerSecond };
      for (const panel of panels) {
        const unit = AXIS_TITLE.exec(String(encodingOf(panel, 'y')?.title))?.[1] as keyof typeof field;
        expect(Object.keys(field), file).toContain(unit);
        const plotted = ((panel.data as { values: { y: number }[] }).values).map((point) => point.y).sort((a, b) => a - b);
        const measured = rows.map(field[unit]).filter((value) => value !== undefined).sort((a, b) => a - b);
        expect(plotted, `${file} ${unit}`).toEqual(measured);
      }
      const withTokens = rows.some((row) => row.tokensPerSecond !== undefined);
      expect(panels.length, file).toBe(withTokens ? 2 : 1);
    }
  });

  it('matches the committed SVGs (redraw them with `maria-bench chart --from <results.json>`)', async () => {
    for (const { file, chart } of charted) {
      const committed = readFileSync(path.join(path.dirname(file), chart.svgName), 'utf8');
      expect(committed === (await renderVegaLiteSvg(chart.spec)), `${chart.svgName} beside ${path.relative(RESULTS, file)} is stale`).toBe(true);
    }
  });
});
