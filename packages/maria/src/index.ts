/**
 * @maria-ts/maria: MARIA as a library. `loadMaria()` starts the engine and loads a model
 * (the embedded tiny one, a MARIA directory, or a Hub AR + MLM pair); the `Maria` it returns
 * fills `[MASK]`s with per-token log-probabilities and n-best joint fills, scores exact masked
 * perplexity, and generates by annealing.
 */
export { loadMaria, type LoadMariaOptions, type MariaSource } from './load-maria.js';
export {
  Maria,
  type FillOptions,
  type FillResult,
  type GenerateOptions,
  type GenerateResult,
  type JointTextFill,
  type MaskFill,
  type ScoreOptions,
  type ScoreResult,
} from './maria.js';
export { loadBackbonePairModel, type BackbonePairSource } from './load-pair.js';
export { startEngineAndLoadModel, type EngineFlags } from './engine-and-model.js';
