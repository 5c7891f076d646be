import { describe, expect, it } from 'vitest';
import { renderLineChartSvg } from '../report/line-chart.js';
import { markdownTable } from '../report/markdown-table.js';
import type { MaskedPplRow } from './masked-perplexity.js';
import { maskedPplChart, maskedPplCsv, maskedPplMarkdown } from './ppl-report.js';

const rows: MaskedPplRow[] = [
  { method: 'ar', rate: 0.1, ppl: 60.5, tokens: 13, nll: Math.log(60.5), seconds: 0.5 },
  { method: 'maria', rate: 0.1, ppl: 20.25, tokens: 13, nll: Math.log(20.25), seconds: 0.4 },
  { method: 'diffusion', rate: 0.1, ppl: 90, tokens: 13, nll: Math.log(90), seconds: 2, k: 8 },
  { method: 'maria', rate: 0.5, ppl: 30, tokens: 64, nll: Math.log(30), seconds: 0.4 },
  { method: 'ar', rate: 0.5, ppl: 61, tokens: 64, nll: Math.log(61), seconds: 0.5 },
  { method: 'diffusion', rate: 0.5, ppl: Number.NaN, tokens: 64, nll: Number.NaN, seconds: 2, k: 8 },
];

describe('masked PPL report', () => {
  it('lays the table out as the paper does: methods in canonical order as rows, rates as columns', () => {
    expect(maskedPplMarkdown(rows)).toBe(
      [
        '| method | 10% | 50% |',
        '| --- | ---: | ---: |',
        '| MARIA (exact) | 20.25 | 30.00 |',
        '| AR-only | 60.50 | 61.00 |',
        '| Masked diffusion (NELBO, K=8) | 90.00 | n/a |',
        '| masked tokens | 13 | 64 |',
        '',
      ].join('\n'),
    );
  });

  it('writes CSV and a log-scale chart with one line per method', async () => {
    const csv = maskedPplCsv(rows).split('\n');
    expect(csv[0]).toBe('method,rate,ppl,tokens,nll,seconds,k');
    expect(csv[3]).toBe(`diffusion,0.1,90,13,${Math.log(90)},2.000,8`);
    const chart = maskedPplChart(rows);
    expect(chart.y).toMatchObject({ unit: 'exp of mean NLL, log scale', log: true });
    expect(chart.series.map((series) => [series.name, series.points.length])).toEqual([['MARIA (exact)', 2], ['AR-only', 2], ['Masked diffusion (NELBO, K=8)', 1]]);
    const svg = await renderLineChartSvg(chart);
    expect((svg.match(/class="mark-line role-mark/g) ?? []).length).toBe(3);
  });

  it('escapes pipes in Markdown cells', () => {
    expect(markdownTable(['a'], [['x|y']])).toBe('| a |\n| --- |\n| x\\|y |\n');
  });
});
