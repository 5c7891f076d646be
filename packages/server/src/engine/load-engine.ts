import { createRandomMariaModel, loadMariaModel } from '@maria-ts/fusion-head';
import { loadTinyMaria, loadTinyTokenizer } from '@maria-ts/model-tiny';
import { createMariaEngine } from './maria-engine.js';
import type { ServeEngine } from './serve-engine.js';

/** Which model the server loads (once, at start). */
export type ModelSource =
  /** `fractionGate`: use the head's fraction gate (opt-in; refused when the head has none). */
  | { readonly kind: 'tiny'; readonly fractionGate?: boolean }
  | { readonly kind: 'directory'; readonly dir: string; readonly fractionGate?: boolean }
  /** A small random MARIA on the tiny tokenizer: output is noise, for demos, the playground test and load tests. */
  | { readonly kind: 'random'; readonly seed: number };

/** Loads the model and wraps it in the MARIA engine (call `initEngine` first). */
export async function loadServeEngine(source: ModelSource, onWarning?: (line: string) => void): Promise<ServeEngine> {
  const options = { ...(onWarning ? { onWarning } : {}), ...(source.kind !== 'random' && source.fractionGate ? { fractionGate: true } : {}) };
  const gated = options.fractionGate ? ' (fraction gate)' : '';
  switch (source.kind) {
    case 'tiny':
      return createMariaEngine(await loadTinyMaria(options), { name: `model-tiny${gated}` });
    case 'directory':
      return createMariaEngine(await loadMariaModel(source.dir, options), { name: `${source.dir}${gated}` });
    case 'random':
      return createMariaEngine(createRandomMariaModel({ tokenizer: await loadTinyTokenizer(), seed: source.seed }), { name: `random (seed ${source.seed})` });
  }
}
