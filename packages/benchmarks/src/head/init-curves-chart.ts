import type { TopLevelSpec } from 'vega-lite';
import { lineChartSpec } from '@maria-ts/eval';
import type { HeadInitChoice } from '@maria-ts/trainer';

/** The parts of a run (or of init-curves.json) the chart reads. */
export interface InitCurvesChartRun {
  readonly init: HeadInitChoice;
  readonly curve: readonly { readonly step: number; readonly validationLoss: number }[];
}

/** The training settings the chart's title states. */
export interface InitCurvesChartSettings {
  readonly steps: number;
  readonly learningRate: number;
  readonly batch: number;
  readonly accumulation: number;
}

/** Figure 2: the head's validation loss against training step, product-of-experts vs random init. */
export function initCurvesChartSpec(runs: readonly InitCurvesChartRun[], settings: InitCurvesChartSettings): TopLevelSpec {
  return lineChartSpec({
    title: `Figure 2: head validation loss, PoE vs random init (${settings.steps} steps, lr ${settings.learningRate}, batch ${settings.batch}×${settings.accumulation})`,
    x: { label: 'training step', unit: 'optimizer steps', integer: true },
    y: { label: 'validation masked-token loss', unit: 'nats/token' },
    series: runs.map((run) => ({ name: run.init === 'poe' ? 'product-of-experts init' : 'random init', points: run.curve.map((point) => ({ x: point.step, y: point.validationLoss })) })),
  });
}
