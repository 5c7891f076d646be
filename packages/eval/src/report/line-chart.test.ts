import { describe, expect, it } from 'vitest';
import { renderLineChartSvg } from './line-chart.js';

describe('renderLineChartSvg', () => {
  it('renders one path per series with the axis titles', async () => {
    const svg = await renderLineChartSvg({
      title: 'PPL against masking rate',
      xLabel: 'masking rate',
      yLabel: 'perplexity',
      logY: true,
      series: [
        { name: 'maria', points: [{ x: 0.1, y: 20 }, { x: 0.5, y: 40 }] },
        { name: 'ar', points: [{ x: 0.1, y: 60 }, { x: 0.5, y: 61 }] },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('masking rate');
    expect(svg).toContain('perplexity');
    expect(svg).toContain('maria');
    // Vega draws one line mark per series.
    expect((svg.match(/class="mark-line role-mark/g) ?? []).length).toBe(2);
  });
});
