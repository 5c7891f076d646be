import { AbortedError, InvalidArgumentError, initEngine, type EngineMemoryCheckOptions } from '@maria-ts/core';
import { resolveMariaDir, type ResolveModelDirOptions } from '@maria-ts/backbones';
import { startEngineAndLoadModel } from './engine-and-model.js';
import { loadBackbonePairModel, type BackbonePairSource } from './load-pair.js';
import { Maria } from './maria.js';

/**
 * What to load: `'tiny'` or nothing for the embedded model (`@maria-ts/model-tiny`), a
 * MARIA directory (`maria-train head --export DIR`) or the Hub id of one (`owner/name`,
 * optionally `@revision`: downloaded once into the cache, see `resolveMariaDir`), or `{ ar, mlm }`: two checkpoints,
 * local directories or Hugging Face model ids, joined by a product-of-experts head.
 */
export type MariaSource = 'tiny' | string | BackbonePairSource;

/** Options of `loadMaria`. */
export interface LoadMariaOptions extends ResolveModelDirOptions, EngineMemoryCheckOptions {
  /** `'auto'` (default: native TensorFlow when installed, else wasm), `'tensorflow'` or `'wasm'`; or `$MARIA_ENGINE`. */
  readonly engine?: string;
  /** wasm threads: a count, or the engine's default (`$MARIA_THREADS`, else the cores up to 8). */
  readonly threads?: number;
  /** Load the MDLM diffusion encoder too, for `fill(..., { method: 'diffusion' })` (default false). */
  readonly withDiffusion?: boolean;
  /** Stops the load between its stages with `AbortedError`. */
  readonly signal?: AbortSignal;
  /** Warnings while reading weights (e.g. unused tensors); default silent. */
  readonly onWarning?: (line: string) => void;
  /**
   * Use the head's fraction gate (opt-in, beyond the paper: the head's AR and MLM halves scaled
   * by the masked fraction, `fraction-gate.json` from `maria-train head --gate-only`). Refused
   * for a head without one and for `{ ar, mlm }`. Default false: plain MARIA.
   */
  readonly fractionGate?: boolean;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('loadMaria');
}

/**
 * Starts the engine and loads a MARIA model: the one entry point of the library.
 *
 * ```ts
 * const maria = await loadMaria();                       // the embedded tiny model
 * const { text, fills } = await maria.fill('The [MASK] sat on the [MASK].');
 * maria.dispose();
 * ```
 *
 * A directory is read while the engine starts; a model larger than the engine can hold is
 * refused before any weight is read (`EngineMemoryError`). Every failure is a typed error:
 * a missing directory or an unpairable backbone pair (`CheckpointError`,
 * `BackboneMismatchError`), a Hub failure (`CheckpointError`), an unknown engine.
 */
export async function loadMaria(source: MariaSource = 'tiny', options: LoadMariaOptions = {}): Promise<Maria> {
  throwIfAborted(options.signal);
  const flags = { ...(options.engine !== undefined ? { engine: options.engine } : {}), ...(options.threads !== undefined ? { threads: options.threads } : {}) };
  if (typeof source === 'object' && source !== null) {
    if (typeof source.ar !== 'string' || typeof source.mlm !== 'string') throw new InvalidArgumentError('source', source, '{ ar, mlm }: two checkpoint directories or Hub ids');
    if (options.fractionGate) throw new InvalidArgumentError('fractionGate', true, 'a MARIA directory whose head has a fraction gate ({ ar, mlm } builds a product-of-experts head, which has none)');
    const engine = await initEngine(flags);
    throwIfAborted(options.signal);
    const model = await loadBackbonePairModel(source, options);
    if (options.signal?.aborted) {
      model.dispose();
      throw new AbortedError('loadMaria');
    }
    return new Maria(model, engine, `${source.ar} + ${source.mlm}`);
  }
  if (typeof source !== 'string' || source.length === 0) throw new InvalidArgumentError('source', source, "'tiny', a MARIA directory or Hub id, or { ar, mlm }");
  const dir = source === 'tiny' ? undefined : await resolveMariaDir(source, options);
  throwIfAborted(options.signal);
  const { engine, model } = await startEngineAndLoadModel(flags, dir, {
    ...(options.withDiffusion ? {} : { skipDiffusion: true }),
    ...(options.ceilingBytes !== undefined ? { ceilingBytes: options.ceilingBytes } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.fractionGate ? { fractionGate: true } : {}),
  });
  if (options.signal?.aborted) {
    model.dispose();
    throw new AbortedError('loadMaria');
  }
  return new Maria(model, engine, dir === undefined ? 'model-tiny (embedded)' : source);
}
