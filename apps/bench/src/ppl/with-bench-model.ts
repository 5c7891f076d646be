import { initEngine } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/fusion-head';
import { loadMariaOrTiny } from '@maria-ts/model-tiny';
import { workProgress, type WorkProgress } from './work-progress.js';

/** The flags every model benchmark shares. */
export interface BenchModelFlags {
  readonly model?: string;
  readonly engine?: string;
  readonly threads?: string;
  readonly progress: boolean;
  readonly out: string;
  readonly write: boolean;
  readonly json?: boolean;
  readonly seed: string;
  readonly batchTokens: string;
}

/**
 * Starts the engine, loads the model (`--model DIR` or the embedded tiny MARIA), runs `body`
 * with it and a progress bar named `label`, and always stops the bar and frees the model.
 */
export async function withBenchModel<T>(
  label: string,
  flags: Pick<BenchModelFlags, 'model' | 'engine' | 'threads' | 'progress'>,
  options: { readonly skipDiffusion?: boolean; readonly fractionGate?: boolean },
  body: (model: MariaModel, progress: WorkProgress) => Promise<T>,
): Promise<T> {
  await initEngine({ ...(flags.engine ? { engine: flags.engine } : {}), ...(flags.threads ? { threads: flags.threads } : {}) });
  const load = { ...(options.skipDiffusion ? { skipDiffusion: true } : {}), ...(options.fractionGate ? { fractionGate: true } : {}) };
  const model = await loadMariaOrTiny(flags.model || undefined, load);
  const progress = workProgress(label, flags.progress);
  try {
    return await body(model, progress);
  } finally {
    progress.stop();
    model.dispose();
  }
}
