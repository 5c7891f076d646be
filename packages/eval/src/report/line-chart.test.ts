import { describe, expect, it } from 'vitest';
import { CHART_PALETTE } from './chart-palette.js';
import { lineChartSpec, panelChartSpec, renderLineChartSvg } from './line-chart.js';

describe('renderLineChartSvg', () => {
  it('renders one path per series with the axis titles', async () => {
    const svg = await renderLineChartSvg({
      title: 'PPL against masking rate',
      x: { label: 'masking rate', unit: 'share of tokens masked' },
      y: { label: 'perplexity', unit: 'exp of mean NLL', log: true },
      series: [
        { name: 'maria', points: [{ x: 0.1, y: 20 }, { x: 0.5, y: 40 }] },
        { name: 'ar', points: [{ x: 0.1, y: 60 }, { x: 0.5, y: 61 }] },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('masking rate (share of tokens masked)');
    expect(svg).toContain('perplexity (exp of mean NLL)');
    expect(svg).toContain('maria');
    // Vega draws one line mark per series.
    expect((svg.match(/class="mark-line role-mark/g) ?? []).length).toBe(2);
  });
});

describe('lineChartSpec and panelChartSpec', () => {
  const threads = { label: 'threads', unit: 'count', integer: true };
  const panel = (unit: string, names: string[]) => ({
    title: unit,
    x: threads,
    y: { label: 'rate', unit },
    series: names.map((name, index) => ({ name, points: [{ x: 1, y: index + 1 }, { x: 2, y: index + 2 }] })),
  });

  it('lists whole-number ticks for an integer axis and gives each series its own colour', () => {
    const spec = lineChartSpec({ ...panel('GFLOP/s', ['a', 'b', 'c']), title: 't' }) as { encoding: Record<string, { axis?: unknown; scale?: unknown; title?: string }> };
    expect(spec.encoding.x?.axis).toEqual({ values: [1, 2], format: 'd', tickMinStep: 1 });
    expect(spec.encoding.x?.title).toBe('threads (count)');
    expect(spec.encoding.color?.scale).toEqual({ domain: ['a', 'b', 'c'], range: CHART_PALETTE.slice(0, 3) });
  });

  it('stacks one panel per unit and keeps a series the same colour in every panel', () => {
    const spec = panelChartSpec({ title: 't', panels: [panel('GFLOP/s', ['a', 'b']), panel('tokens/s', ['b', 'c'])] }) as { vconcat: { encoding: { color: { scale: { range: string[] } } } }[] };
    expect(spec.vconcat.map((view) => view.encoding.color.scale.range)).toEqual([CHART_PALETTE.slice(0, 2), [CHART_PALETTE[1], CHART_PALETTE[2]]]);
  });

  it('refuses repeated series names and more series than distinct colours', () => {
    expect(() => lineChartSpec({ ...panel('s', ['a', 'a']), title: 't' })).toThrow(/distinct/);
    const many = Array.from({ length: CHART_PALETTE.length + 1 }, (_, index) => `series ${index}`);
    expect(() => lineChartSpec({ ...panel('s', many), title: 't' })).toThrow(/at most 20/);
  });
});
