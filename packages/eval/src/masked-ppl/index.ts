export { arOnlyNll } from './ar-only.js';
export { bannedPositionCount, requireScorableTargets } from './banned-targets.js';
export { diffusionNelbo, type DiffusionNelboOptions } from './diffusion-nelbo.js';
export { equalLengthBatches } from './equal-length-batches.js';
export { drawEvaluationMasks, type EvaluationMaskOptions } from './evaluation-masks.js';
export { mariaExactNll } from './maria-exact.js';
export { emptyMaskedNll, maskedPositions, pooledPerplexity, type MaskedExamples, type MaskedNll, type MaskedScoreOptions } from './masked-nll.js';
export {
  MASKED_PPL_METHODS,
  maskedPerplexityTable,
  parseMaskedPplMethod,
  scoreMaskedMethod,
  type MaskedPplMethod,
  type MaskedPplOptions,
  type MaskedPplRow,
} from './masked-perplexity.js';
export { mlmArDecodeNll } from './mlm-ar-decode.js';
export { maskedPplChart, maskedPplCsv, maskedPplMarkdown, maskedPplMethodLabel } from './ppl-report.js';
