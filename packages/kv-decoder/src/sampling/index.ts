export { argmax } from './argmax.js';
export { checkLogits } from './check-logits.js';
export { createTokenSampler, sampleToken, sampleTokenRows, type TokenSampler, withBannedTokens } from './sample-token.js';
export { filteredTokens, samplingDistribution, type TokenDistribution } from './sampling-distribution.js';
export { greedySampling, type ResolvedSamplingOptions, resolveSamplingOptions, type SamplingOptions } from './sampling-options.js';
