/**
 * @maria-ts/kv-decoder: MARIA's infilling decoder (Algorithm 1: one MLM pass, then AR
 * decoding with a KV cache), the baselines behind the same interface (MLM AR-decode,
 * masked diffusion, AR-only), and the ways they pick tokens (greedy, temperature, top-k,
 * top-p, seeded).
 */
export { banInPlace, type DecodedToken, type DecoderContext, DEFAULT_DIFFUSION_STEPS, diffusionStepCount, fillBreaksWord, type FilledToken, type FillSpan, infill, type InfillDecoder, infillDecoders, InfillBatcher, type InfillBatcherStats, type InfillMethod, infillMethods, infillNBest, type InfillOptions, type InfillRequest, type InfillResult, type InfillRow, infillStream, type InfillToken, type JointFill, logProbabilityOf, modelMaxLength, type NBestOptions, type PositionBans, positionBans, type PositionBansOptions, specialTokenIds } from './infill/index.js';
export { argmax, checkLogits, createTokenSampler, filteredTokens, greedySampling, type ResolvedSamplingOptions, resolveSamplingOptions, sampleToken, sampleTokenRows, samplingDistribution, type SamplingOptions, type TokenDistribution, type TokenSampler, withBannedTokens } from './sampling/index.js';
