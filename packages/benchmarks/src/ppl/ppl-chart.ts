import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec, maskedPplChart, type MaskedPplRow } from '@maria-ts/eval';

/** The run settings the perplexity chart's title states (a subset of the report's `config`). */
export interface PplChartConfig {
  readonly data: string;
  readonly examples: number;
  readonly window: number;
}

/** Table 2 as a chart: masked perplexity against masking rate, one line per method, log y. */
export function pplChartSpec(rows: readonly MaskedPplRow[], config: PplChartConfig): TopLevelSpec {
  return lineChartSpec(maskedPplChart(rows, `Masked PPL on ${path.basename(config.data)} (${config.examples} windows of ≤${config.window} tokens)`));
}
