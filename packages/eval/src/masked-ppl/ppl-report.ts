import type { LineChartOptions } from '../report/line-chart.js';
import { markdownTable } from '../report/markdown-table.js';
import { MASKED_PPL_METHODS, type MaskedPplMethod, type MaskedPplRow } from './masked-perplexity.js';

/** How each method is labelled in tables and charts (paper Table 2's rows). */
export function maskedPplMethodLabel(method: MaskedPplMethod, k?: number): string {
  switch (method) {
    case 'maria':
      return 'MARIA (exact)';
    case 'ar':
      return 'AR-only';
    case 'mlm':
      return 'MLM AR-decode';
    case 'diffusion':
      return `Masked diffusion (NELBO${k !== undefined ? `, K=${k}` : ''})`;
  }
}

const formatPpl = (ppl: number) => (Number.isFinite(ppl) ? ppl.toFixed(2) : 'n/a');
const rateLabel = (rate: number) => `${Number((rate * 100).toFixed(4))}%`;

/** The methods and rates present in `rows`, methods in the table's canonical order. */
function axes(rows: readonly MaskedPplRow[]): { methods: MaskedPplMethod[]; rates: number[] } {
  const methods = MASKED_PPL_METHODS.filter((method) => rows.some((row) => row.method === method));
  const rates = [...new Set(rows.map((row) => row.rate))].sort((a, b) => a - b);
  return { methods, rates };
}

/**
 * The paper's layout: one row per method, one column per masking rate, perplexity in the
 * cells (lower is better), with the masked-token count of each rate as a last row.
 */
export function maskedPplMarkdown(rows: readonly MaskedPplRow[]): string {
  const { methods, rates } = axes(rows);
  const find = (method: MaskedPplMethod, rate: number) => rows.find((row) => row.method === method && row.rate === rate);
  const body = methods.map((method) => [
    maskedPplMethodLabel(method, rows.find((row) => row.method === method)?.k),
    ...rates.map((rate) => {
      const row = find(method, rate);
      return row ? formatPpl(row.ppl) : '';
    }),
  ]);
  body.push(['masked tokens', ...rates.map((rate) => String(rows.find((row) => row.rate === rate)?.tokens ?? ''))]);
  return markdownTable(['method', ...rates.map(rateLabel)], body, ['left', ...rates.map(() => 'right' as const)]);
}

/** The rows as CSV (header `method,rate,ppl,tokens,nll,seconds,k`). */
export function maskedPplCsv(rows: readonly MaskedPplRow[]): string {
  const lines = ['method,rate,ppl,tokens,nll,seconds,k'];
  for (const row of rows) lines.push([row.method, row.rate, row.ppl, row.tokens, row.nll, row.seconds.toFixed(3), row.k ?? ''].join(','));
  return `${lines.join('\n')}\n`;
}

/** Chart options for `writeLineChart`: PPL against masking rate, one line per method, log y. */
export function maskedPplChart(rows: readonly MaskedPplRow[], title = 'Masked-infilling perplexity against masking rate'): LineChartOptions {
  const { methods } = axes(rows);
  return {
    title,
    x: { label: 'masking rate', unit: 'share of tokens masked' },
    y: { label: 'masked-token perplexity', unit: 'exp of mean NLL, log scale', log: true },
    series: methods.map((method) => ({
      name: maskedPplMethodLabel(method, rows.find((row) => row.method === method)?.k),
      points: rows.filter((row) => row.method === method && Number.isFinite(row.ppl)).map((row) => ({ x: row.rate, y: row.ppl })),
    })),
  };
}
