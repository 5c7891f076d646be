import { createRandomMariaModel, loadMariaModel } from '@maria-ts/fusion-head';
import { loadTinyMaria, loadTinyTokenizer } from '@maria-ts/model-tiny';
import { createMariaEngine } from './maria-engine.js';
import type { ServeEngine } from './serve-engine.js';

/** Which model the server loads (once, at start). */
export type ModelSource =
  | { readonly kind: 'tiny' }
  | { readonly kind: 'directory'; readonly dir: string }
  /** A small random MARIA on the tiny tokenizer: output is noise, for demos, the playground test and load tests. */
  | { readonly kind: 'random'; readonly seed: number };

/** Loads the model and wraps it in the MARIA engine (call `initEngine` first). */
export async function loadServeEngine(source: ModelSource, onWarning?: (line: string) => void): Promise<ServeEngine> {
  switch (source.kind) {
    case 'tiny':
      return createMariaEngine(await loadTinyMaria(onWarning ? { onWarning } : {}), { name: 'model-tiny' });
    case 'directory':
      return createMariaEngine(await loadMariaModel(source.dir, onWarning ? { onWarning } : {}), { name: source.dir });
    case 'random':
      return createMariaEngine(createRandomMariaModel({ tokenizer: await loadTinyTokenizer(), seed: source.seed }), { name: `random (seed ${source.seed})` });
  }
}
